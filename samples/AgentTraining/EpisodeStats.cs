using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Lengths of finished episodes: total count and the mean over a sliding window of the most recent ones.</summary>
public sealed class EpisodeStats
{
    private readonly int[] _window;
    private int _next, _filled;
    private long _windowSum;

    public EpisodeStats(int window)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, $"window: expected at least 1, found {window}.");
        _window = new int[window];
    }

    /// <summary>Episodes finished so far.</summary>
    public long Count { get; private set; }

    /// <summary>Size of the sliding window.</summary>
    public int Window => _window.Length;

    /// <summary>True once a whole window of episodes has finished.</summary>
    public bool WindowFull => _filled == _window.Length;

    /// <summary>Mean length over the last <see cref="Window"/> episodes (fewer at the start; 0 before the first).</summary>
    public double WindowMean => _filled == 0 ? 0 : (double)_windowSum / _filled;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int length)
    {
        if (_filled == _window.Length) _windowSum -= _window[_next];
        else _filled++;
        _window[_next] = length;
        _windowSum += length;
        _next = (_next + 1) % _window.Length;
        Count++;
    }
}
