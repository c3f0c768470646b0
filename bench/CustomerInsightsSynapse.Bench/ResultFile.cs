using System.Text.Json;

namespace CustomerInsightsSynapse.Bench;

internal static class ResultFile
{
    public static void Write(string path, string scenario, object settings, IReadOnlyList<Series> series, IReadOnlyList<Check> checks)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            scenario,
            utc = DateTime.UtcNow,
            machine = new { Environment.ProcessorCount, os = Environment.OSVersion.VersionString, runtime = Environment.Version.ToString() },
            settings,
            series = series.Select(s => new
            {
                s.Group,
                s.Method,
                s.Baseline,
                s.BytesPerRun,
                s.Seconds,
                median = Finite(s.Median),
                min = Finite(s.Min),
                max = Finite(s.Max),
                spread = Finite(s.Spread),
                mibPerSecond = s.BytesPerRun > 0 ? Finite(s.MiBPerSecond) : null,
                speedVsBaseline = s.Baseline is null ? null : Finite(series.First(b => b.Group == s.Group && b.Method == s.Baseline).Median / s.Median),
                s.Figures,
            }),
            checks,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }

    private static double? Finite(double d) => double.IsFinite(d) ? d : null;
}
