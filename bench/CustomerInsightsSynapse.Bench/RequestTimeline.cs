using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// When started, records every request the client sends (retries included): what it is, when it was sent and when its
/// answer was read, relative to <see cref="Start"/>. <see cref="Describe"/> prints one landing's timeline: each request
/// that is not a data upload, the uploads' start and end, the time with no request in flight (the client's own work),
/// and how many requests were in flight over the landing (the tail: stragglers at low concurrency).
/// </summary>
internal sealed class RequestTimeline : HttpPipelinePolicy
{
    private readonly Lock _gate = new();
    private List<Entry>? _entries;
    private long _origin;

    public void Start()
    {
        lock (_gate)
        {
            _entries = [];
            _origin = Stopwatch.GetTimestamp();
        }
    }

    public IReadOnlyList<Entry> Stop()
    {
        lock (_gate)
        {
            var entries = _entries ?? [];
            _entries = null;
            return entries;
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            if (async)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            else
            {
                ProcessNext(message, pipeline);
            }
        }
        finally
        {
            var answered = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                _entries?.Add(new Entry(
                    Kind(message.Request),
                    Stopwatch.GetElapsedTime(_origin, sent).TotalMilliseconds,
                    Stopwatch.GetElapsedTime(_origin, answered).TotalMilliseconds,
                    message.HasResponse ? message.Response.Status : 0,
                    Environment.CurrentManagedThreadId));
            }
        }
    }

    /// <summary>The request's method, the last path segment and the <c>comp</c> and lease action, e.g. <c>PUT _lock comp=lease acquire</c>.</summary>
    private static string Kind(Request request)
    {
        var path = request.Uri.Path;
        var name = path[(path.TrimEnd('/').LastIndexOf('/') + 1)..];
        var query = request.Uri.Query;
        var comp = query.Split('&', '?').FirstOrDefault(p => p.StartsWith("comp=", StringComparison.Ordinal));
        var lease = request.Headers.TryGetValue("x-ms-lease-action", out var action) ? " " + action : string.Empty;
        return $"{request.Method} {name}{(comp is null ? string.Empty : " " + comp)}{lease}";
    }

    /// <summary>One request: its kind, sent and answered in milliseconds from the start, the status (0: no answer).</summary>
    internal sealed record Entry(string Kind, double SentMs, double AnsweredMs, int Status, int Thread)
    {
        public bool IsUpload => Kind.StartsWith("PUT part-", StringComparison.Ordinal) || Kind.StartsWith("PUT Large", StringComparison.Ordinal);
    }

    /// <summary>The timeline of one landing that took <paramref name="totalMs"/>, as text.</summary>
    public static string Describe(string title, IReadOnlyList<Entry> entries, double totalMs)
    {
        var ci = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(ci, $"Timeline: {title}: {entries.Count} requests in {totalMs:0} ms.");
        var uploads = entries.Where(e => e.IsUpload).OrderBy(e => e.SentMs).ToList();
        foreach (var e in entries.OrderBy(e => e.SentMs).Where(e => !e.IsUpload))
        {
            text.AppendLine(ci, $"  {e.SentMs,7:0.0} -> {e.AnsweredMs,7:0.0} ms  {e.Status,3}  {e.Kind}");
        }

        if (uploads.Count > 0)
        {
            var durations = uploads.Select(u => u.AnsweredMs - u.SentMs).Order().ToList();
            text.AppendLine(ci, $"  uploads: {uploads.Count}, first sent {uploads[0].SentMs:0.0} ms, last sent {uploads[^1].SentMs:0.0} ms, last answered {uploads.Max(u => u.AnsweredMs):0.0} ms; each {durations[0]:0.0} / {durations[durations.Count / 2]:0.0} / {durations[^1]:0.0} ms (min / median / max)");
            var ramp = string.Join(", ", uploads.Take(8).Select(u => u.SentMs.ToString("0.0", ci)));
            text.AppendLine(ci, $"  first 8 uploads sent at {ramp} ms");
        }

        var (idle, idleGaps) = Idle(entries, totalMs);
        text.AppendLine(ci, $"  no request in flight: {idle:0.0} ms in all; gaps over 2 ms: {string.Join(", ", idleGaps.Select(g => $"{g.From:0.0}+{g.Length:0.0}"))}");
        text.AppendLine(ci, $"  requests in flight per tenth of the landing: {string.Join(" ", Concurrency(entries, totalMs, 10).Select(c => c.ToString("0.0", ci)))}");
        return text.ToString();
    }

    /// <summary>Time no request was in flight, from 0 to <paramref name="totalMs"/>, and the gaps longer than 2 ms.</summary>
    private static (double Total, List<(double From, double Length)> Gaps) Idle(IReadOnlyList<Entry> entries, double totalMs)
    {
        var gaps = new List<(double, double)>();
        var total = 0.0;
        var covered = 0.0;
        foreach (var e in entries.OrderBy(e => e.SentMs).Append(new Entry("end", totalMs, totalMs, 0, 0)))
        {
            if (e.SentMs > covered)
            {
                total += e.SentMs - covered;
                if (e.SentMs - covered > 2)
                {
                    gaps.Add((covered, e.SentMs - covered));
                }
            }

            covered = Math.Max(covered, e.AnsweredMs);
        }

        return (total, gaps);
    }

    /// <summary>The mean number of requests in flight in each of <paramref name="slices"/> equal slices of the landing.</summary>
    private static double[] Concurrency(IReadOnlyList<Entry> entries, double totalMs, int slices)
    {
        var result = new double[slices];
        var width = totalMs / slices;
        for (var i = 0; i < slices; i++)
        {
            var (from, to) = (i * width, (i + 1) * width);
            result[i] = entries.Sum(e => Math.Max(0, Math.Min(to, e.AnsweredMs) - Math.Max(from, e.SentMs))) / width;
        }

        return result;
    }
}
