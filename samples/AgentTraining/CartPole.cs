using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// One cart-pole: a pole hinged on a cart that the agent pushes left or right. The classic equations of
/// Barto, Sutton &amp; Anderson (1983) with the constants and limits of Gym's CartPole-v1, integrated with explicit
/// Euler at the game's fixed 60 Hz tick (Gym integrates at 50 Hz). A plain struct: a game keeps an array of them.
/// </summary>
public struct CartPole
{
    public const float Gravity = 9.8f, CartMass = 1.0f, PoleMass = 0.1f, HalfPoleLength = 0.5f, ForceMagnitude = 10f;
    public const float TickSeconds = 1f / 60f;
    public const float PositionLimit = 2.4f;
    public const float AngleLimit = 12f * MathF.PI / 180f;
    /// <summary>Observation width: cart position, cart velocity, pole angle, pole angular velocity.</summary>
    public const int ObservationSize = 4;
    /// <summary>Actions: 0 = push left, 1 = push right.</summary>
    public const int ActionCount = 2;

    public float X, XDot, Theta, ThetaDot;

    /// <summary>A new episode: every state variable uniform in [−0.05, 0.05].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reset(ref Xoshiro128 rng)
    {
        X = Small(ref rng); XDot = Small(ref rng); Theta = Small(ref rng); ThetaDot = Small(ref rng);
    }

    private static float Small(ref Xoshiro128 rng) => (rng.NextFloat() - 0.5f) * 0.1f;

    /// <summary>Advances one tick under <paramref name="action"/>; returns true when the pole fell or the cart left the track.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Step(int action)
    {
        const float totalMass = CartMass + PoleMass, poleMassLength = PoleMass * HalfPoleLength;
        float force = action == 1 ? ForceMagnitude : -ForceMagnitude;
        float cos = MathF.Cos(Theta), sin = MathF.Sin(Theta);
        float temp = (force + poleMassLength * ThetaDot * ThetaDot * sin) / totalMass;
        float thetaAcc = (Gravity * sin - cos * temp) / (HalfPoleLength * (4f / 3f - PoleMass * cos * cos / totalMass));
        float xAcc = temp - poleMassLength * thetaAcc * cos / totalMass;

        X += TickSeconds * XDot;
        XDot += TickSeconds * xAcc;
        Theta += TickSeconds * ThetaDot;
        ThetaDot += TickSeconds * thetaAcc;
        return X < -PositionLimit || X > PositionLimit || Theta < -AngleLimit || Theta > AngleLimit;
    }

    /// <summary>Writes the observation, each variable scaled to roughly [−1, 1], into <paramref name="destination"/> (4 floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Observe(Span<float> destination)
    {
        destination[0] = X / PositionLimit;
        destination[1] = XDot / 2f;
        destination[2] = Theta / AngleLimit;
        destination[3] = ThetaDot / 2f;
    }
}
