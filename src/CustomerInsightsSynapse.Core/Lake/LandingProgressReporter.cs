using System.Diagnostics;
using System.Globalization;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Turns file and byte counts from parallel transfers into <see cref="OperationProgress"/> reports: one on every file
/// that finishes, and at most one every 250 ms while bytes move.
/// </summary>
internal sealed class LandingProgressReporter
{
    public const int ActivityId = ProgressIds.Landing;
    private static readonly long Interval = Stopwatch.Frequency / 4;

    private readonly IProgress<OperationProgress> _progress;
    private readonly string _activity;
    private readonly int _totalFiles;
    private readonly long _totalBytes;
    private readonly object _gate = new();
    private int _files;
    private long _bytes;
    private long _lastReport;
    private string? _current;

    public LandingProgressReporter(IProgress<OperationProgress> progress, string database, int totalFiles, long totalBytes)
    {
        _progress = progress;
        _activity = $"Landing data for database '{database}'";
        _totalFiles = totalFiles;
        _totalBytes = totalBytes;
    }

    public int Files => Volatile.Read(ref _files);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Started(string entity, string file)
    {
        lock (_gate)
        {
            _current = $"{entity}: {file}";
        }
    }

    public void BytesMoved(long delta)
    {
        Interlocked.Add(ref _bytes, delta);
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _lastReport);
        if (now - last >= Interval && Interlocked.CompareExchange(ref _lastReport, now, last) == last)
        {
            Report(false);
        }
    }

    public void FileDone()
    {
        Interlocked.Increment(ref _files);
        Report(false);
    }

    public void Completed() => Report(true);

    private void Report(bool completed)
    {
        lock (_gate)
        {
            var bytes = Bytes;
            var percent = _totalBytes > 0 ? (int)(bytes * 100 / _totalBytes) : _totalFiles > 0 ? Files * 100 / _totalFiles : 100;
            var status = string.Format(
                CultureInfo.InvariantCulture,
                "{0} of {1} files, {2:N1} of {3:N1} MiB",
                Files,
                _totalFiles,
                bytes / (double)LandingOptions.MiB,
                _totalBytes / (double)LandingOptions.MiB);
            _progress.Report(new OperationProgress(ActivityId, _activity, status, Math.Clamp(percent, 0, 100), completed ? null : _current, Completed: completed));
        }
    }
}
