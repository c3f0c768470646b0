using System.Globalization;

namespace CustomerInsightsSynapse.Bench;

/// <summary>Command-line settings of the lake scenario. Sizes are in MiB.</summary>
internal sealed record BenchSettings
{
    public bool Quick { get; init; }

    public int SmallFiles { get; init; } = 200;

    public double SmallFileMiB { get; init; } = 1;

    public int LargeFiles { get; init; } = 2;

    public double LargeFileMiB { get; init; } = 512;

    public int[] RssMiB { get; init; } = [256, 2048];

    public int Repetitions { get; init; } = 3;

    public int MaxParallelFiles { get; init; } = 8;

    public int MaxParallelBlocks { get; init; } = 4;

    public int BlockMiB { get; init; } = 8;

    public string? OutputFile { get; init; }

    public string? WorkFolder { get; init; }

    /// <summary>The latency the storage proxy adds to every request (set by run.ps1; here it only names the groups).</summary>
    public int? LatencyMilliseconds { get; init; }

    /// <summary>Only the local-file groups: no blob-source copy and no peak-RSS children.</summary>
    public bool LocalOnly { get; init; }

    /// <summary>No peak-RSS children (the latency curve: they would land through Azurite directly, not the proxy).</summary>
    public bool NoRss { get; init; }

    /// <summary>After each local group, one more landing by the lander and by the plain SDK, printed as a timeline of requests.</summary>
    public bool Timeline { get; init; }

    /// <summary>The local files' rows end in CRLF instead of LF (Customer Insights writes CSV with either).</summary>
    public bool Crlf { get; init; }

    /// <summary>
    /// The local partitions declare a two-byte quote, which <c>Utf8ColumnWidthCheck</c> does not read (it checks no
    /// such file): the lander's cost without its width check, to tell the check's share from the upload's.
    /// </summary>
    public bool NoWidthCheck { get; init; }

    /// <summary><c>LandingOptions.SingleCopyLimit</c> in MiB: larger blob sources are copied with Put Block From URL.</summary>
    public int? SingleCopyMiB { get; init; }

    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var s = args.Contains("--quick")
            ? new BenchSettings { Quick = true, SmallFiles = 50, SmallFileMiB = 0.25, LargeFiles = 2, LargeFileMiB = 32, RssMiB = [64, 512], Repetitions = 3 }
            : new BenchSettings();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            s = args[i] switch
            {
                "--quick" => s,
                "--small-files" => s with { SmallFiles = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--small-size" => s with { SmallFileMiB = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--large-files" => s with { LargeFiles = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--large-size" => s with { LargeFileMiB = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rss-sizes" => s with { RssMiB = Next().Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray() },
                "--repeat" => s with { Repetitions = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--parallel-files" => s with { MaxParallelFiles = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--parallel-blocks" => s with { MaxParallelBlocks = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--block-size" => s with { BlockMiB = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--out" => s with { OutputFile = Next() },
                "--work" => s with { WorkFolder = Next() },
                "--latency-ms" => s with { LatencyMilliseconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--local-only" => s with { LocalOnly = true },
                "--crlf" => s with { Crlf = true },
                "--no-width-check" => s with { NoWidthCheck = true },
                "--no-rss" => s with { NoRss = true },
                "--timeline" => s with { Timeline = true },
                "--single-copy-mib" => s with { SingleCopyMiB = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (s.Repetitions < 1 || s.SmallFiles < 1 || s.LargeFiles < 1)
        {
            throw new ArgumentException("Counts must be positive.");
        }

        return s;
    }
}
