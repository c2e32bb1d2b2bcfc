using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Scores of finished episodes (lengths, returns): total count and the mean over a sliding window of the most recent ones.</summary>
public sealed class EpisodeStats
{
    private readonly double[] _window;
    private int _next, _filled;
    private double _windowSum;

    public EpisodeStats(int window)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, $"window: expected at least 1, found {window}.");
        _window = new double[window];
    }

    /// <summary>Episodes finished so far.</summary>
    public long Count { get; private set; }

    /// <summary>Size of the sliding window.</summary>
    public int Window => _window.Length;

    /// <summary>True once a whole window of episodes has finished.</summary>
    public bool WindowFull => _filled == _window.Length;

    /// <summary>Mean score over the last <see cref="Window"/> episodes (fewer at the start; 0 before the first).</summary>
    public double WindowMean => _filled == 0 ? 0 : _windowSum / _filled;

    /// <summary>The score of the episode finished last.</summary>
    public double Last { get; private set; }

    /// <summary>Also told every finished episode's score (optional).</summary>
    public EmbeddedMlp.Agents.PolicyGuard? Guard { get; set; }

    /// <summary>
    /// The lowest window mean seen since <see cref="StartTrackingLowest"/> — every window of the last
    /// <see cref="Window"/> episodes ending after that call counts (NaN before).
    /// </summary>
    public double LowestWindowMean { get; private set; } = double.NaN;

    /// <summary>Windows ending after <see cref="StartTrackingLowest"/> (the one at the call included), and how many of them had a mean below its level.</summary>
    public long WindowsTracked { get; private set; }
    public long WindowsBelowLevel { get; private set; }

    private bool _tracking;
    private double _level = double.NaN;

    /// <summary>
    /// From now on, keep the lowest window mean (the stability figure: call it at the first success) and count the
    /// windows whose mean is below <paramref name="level"/> (the success level; NaN = count none).
    /// </summary>
    public void StartTrackingLowest(double level = double.NaN)
    {
        _tracking = true;
        _level = level;
        if (WindowFull) Track();
    }

    private void Track()
    {
        if (!(WindowMean >= LowestWindowMean)) LowestWindowMean = WindowMean;
        WindowsTracked++;
        if (WindowMean < _level) WindowsBelowLevel++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(double score)
    {
        if (_filled == _window.Length) _windowSum -= _window[_next];
        else _filled++;
        _window[_next] = score;
        _windowSum += score;
        Last = score;
        Guard?.ReportEpisode((float)score);
        if (_tracking && WindowFull) Track();
        _next = (_next + 1) % _window.Length;
        Count++;
    }
}
