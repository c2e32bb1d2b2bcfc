// Minimal stand-ins for the UnityEngine API the Unity sample touches, so that the sample compiles here.
// Signatures follow UnityEngine's; bodies do nothing useful. Not part of any shipped assembly.
using System;

namespace UnityEngine
{
    public class Object { }
    public class Component : Object { }
    public class Behaviour : Component { public bool enabled { get; set; } }
    public class MonoBehaviour : Behaviour { }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed class SerializeField : Attribute { }

    public class TextAsset : Object
    {
        public byte[] bytes => Array.Empty<byte>();
        public string text => string.Empty;
    }

    public static class Debug
    {
        public static void Log(object message) { }
        public static void LogWarning(object message) { }
        public static void LogError(object message) { }
    }

    public static class Mathf
    {
        public static float Sqrt(float f) => (float)Math.Sqrt(f);
        public static int Min(int a, int b) => Math.Min(a, b);
        public static float Clamp(float v, float min, float max) => Math.Max(min, Math.Min(max, v));
    }

    public static class Time
    {
        public static float deltaTime => 1f / 60f;
        public static int frameCount => 0;
    }
}
