using System.Globalization;
using System.Text;

namespace CustomerInsightsSynapse.Bench;

/// <summary>Repeated timings of one method in one group, with the group's baseline method named.</summary>
internal sealed class Series(string group, string method, string? baseline, long bytesPerRun)
{
    public string Group { get; } = group;

    public string Method { get; } = method;

    public string? Baseline { get; } = baseline;

    public long BytesPerRun { get; } = bytesPerRun;

    public List<double> Seconds { get; } = [];

    /// <summary>Other figures (bytes the client read from the source, peak RSS, …).</summary>
    public Dictionary<string, double> Figures { get; } = [];

    public double Median => MedianOf(Seconds);

    public double Min => Seconds.Count == 0 ? double.NaN : Seconds.Min();

    public double Max => Seconds.Count == 0 ? double.NaN : Seconds.Max();

    /// <summary>(max − min) / median.</summary>
    public double Spread => Seconds.Count == 0 ? double.NaN : (Max - Min) / Median;

    public double MiBPerSecond => BytesPerRun / (1024.0 * 1024.0) / Median;

    /// <summary>The middle value (the mean of the two middle ones for an even count); NaN for none.</summary>
    public static double MedianOf(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
    }
}

/// <summary>A pass/fail reading of one target from the issue, computed from the figures of this run.</summary>
internal sealed record Check(string Target, string Figure, bool Met);

internal static class ResultTable
{
    public static string Render(IReadOnlyList<Series> series, IReadOnlyList<Check> checks)
    {
        var ci = CultureInfo.InvariantCulture;
        var rows = new List<string[]> { new[] { "group", "method", "median s", "min s", "max s", "spread", "MiB/s", "speed vs baseline", "other" } };
        foreach (var s in series)
        {
            var baseline = s.Baseline is null ? null : series.FirstOrDefault(b => b.Group == s.Group && b.Method == s.Baseline);
            var isBaseline = series.Any(o => o.Group == s.Group && o.Baseline == s.Method);
            var ratio = baseline is null ? (isBaseline ? "(baseline)" : "-") : (baseline.Median / s.Median).ToString("0.00", ci) + "x " + s.Baseline;
            rows.Add(
            [
                s.Group,
                s.Method,
                s.Seconds.Count == 0 ? "-" : s.Median.ToString("0.000", ci),
                s.Seconds.Count == 0 ? "-" : s.Min.ToString("0.000", ci),
                s.Seconds.Count == 0 ? "-" : s.Max.ToString("0.000", ci),
                s.Seconds.Count == 0 ? "-" : s.Spread.ToString("P0", ci),
                s.Seconds.Count == 0 || s.BytesPerRun == 0 ? "-" : s.MiBPerSecond.ToString("0.0", ci),
                s.Seconds.Count == 0 ? "-" : ratio,
                string.Join(", ", s.Figures.Select(f => $"{f.Key}={f.Value.ToString("0.##", ci)}")),
            ]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            sb.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            if (index == 0)
            {
                sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }

        sb.AppendLine();
        sb.AppendLine("Targets, read from this run:");
        foreach (var check in checks)
        {
            sb.AppendLine($"  [{(check.Met ? "met" : "NOT met")}] {check.Target}: {check.Figure}");
        }

        return sb.ToString();
    }
}
