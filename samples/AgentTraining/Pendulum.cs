using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// One pendulum to swing up and hold upright with a limited motor — Gym's Pendulum-v1, same dynamics, limits and
/// reward: θ̈ = 3g/(2l)·sin θ + 3/(m·l²)·u with g = 10, m = 1, l = 1, explicit (semi-implicit) Euler with dt = 0.05 s,
/// torque u clipped to ±2, angular speed to ±8; reward −(θ_n² + 0.1·θ̇² + 0.001·u²) with θ_n the angle from upright in
/// [−π, π); a new episode starts at θ ∈ U[−π, π], θ̇ ∈ U[−1, 1]. A plain struct: a game keeps an array of them.
/// </summary>
public struct Pendulum
{
    public const float Gravity = 10f, Mass = 1f, Length = 1f, Dt = 0.05f, MaxSpeed = 8f, MaxTorque = 2f;
    /// <summary>Observation width: cos θ, sin θ, θ̇.</summary>
    public const int ObservationSize = 3;

    public float Theta, ThetaDot;

    public void Reset(ref Xoshiro128 rng)
    {
        Theta = (rng.NextFloat() * 2f - 1f) * MathF.PI;
        ThetaDot = rng.NextFloat() * 2f - 1f;
    }

    /// <summary>Advances one step under torque <paramref name="torque"/> (clipped to ±2); returns the reward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Step(float torque)
    {
        float u = Math.Clamp(torque, -MaxTorque, MaxTorque);
        if (float.IsNaN(u)) u = 0f;
        float angle = Normalize(Theta);
        float reward = -(angle * angle + 0.1f * ThetaDot * ThetaDot + 0.001f * u * u);
        float thetaDot = ThetaDot + (3f * Gravity / (2f * Length) * MathF.Sin(Theta) + 3f / (Mass * Length * Length) * u) * Dt;
        ThetaDot = Math.Clamp(thetaDot, -MaxSpeed, MaxSpeed);
        Theta += ThetaDot * Dt;
        return reward;
    }

    /// <summary>Angle from upright in [−π, π).</summary>
    public static float Normalize(float theta)
    {
        float x = (theta + MathF.PI) % (2f * MathF.PI);
        if (x < 0f) x += 2f * MathF.PI;
        return x - MathF.PI;
    }

    /// <summary>Writes cos θ, sin θ, θ̇ (Gym's observation) into <paramref name="destination"/> (3 floats).</summary>
    public readonly void Observe(Span<float> destination)
    {
        destination[0] = MathF.Cos(Theta);
        destination[1] = MathF.Sin(Theta);
        destination[2] = ThetaDot;
    }
}
