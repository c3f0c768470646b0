using System.Globalization;

namespace CustomerInsightsSynapse.Bench;

/// <summary>Command-line settings of the parquet scenario. Sizes are in MiB.</summary>
internal sealed record ParquetSettings
{
    public bool Quick { get; init; }

    /// <summary>The CSV size of the generated Customer Insights entity (the bytes figure and the throughput groups).</summary>
    public int GeneratedMiB { get; init; } = 1024;

    public int GeneratedPartitions { get; init; } = 8;

    /// <summary>The one CSV partition the peak-memory child converts.</summary>
    public int RssMiB { get; init; } = 2048;

    public int Repetitions { get; init; } = 3;

    /// <summary>The latency the storage proxy adds to every request (set by run.ps1; here it only names the group).</summary>
    public int? LatencyMilliseconds { get; init; }

    /// <summary>An existing demo CDM folder; without it the bench writes one as the demo does (tests/TestStack/CdmTestData.psm1).</summary>
    public string? DemoFolder { get; init; }

    public string? OutputFile { get; init; }

    public string? WorkFolder { get; init; }

    public static ParquetSettings Parse(IReadOnlyList<string> args)
    {
        var s = args.Contains("--quick")
            ? new ParquetSettings { Quick = true, GeneratedMiB = 64, GeneratedPartitions = 4, RssMiB = 256, Repetitions = 3 }
            : new ParquetSettings();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            s = args[i] switch
            {
                "--quick" => s,
                "--parquet-mib" => s with { GeneratedMiB = NextInt() },
                "--parquet-partitions" => s with { GeneratedPartitions = NextInt() },
                "--parquet-rss-mib" => s with { RssMiB = NextInt() },
                "--repeat" => s with { Repetitions = NextInt() },
                "--latency-ms" => s with { LatencyMilliseconds = NextInt() },
                "--demo-folder" => s with { DemoFolder = Next() },
                "--out" => s with { OutputFile = Next() },
                "--work" => s with { WorkFolder = Next() },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (s.Repetitions < 1 || s.GeneratedMiB < 1 || s.GeneratedPartitions < 1 || s.RssMiB < 1)
        {
            throw new ArgumentException("Sizes and counts must be positive.");
        }

        return s;
    }
}
