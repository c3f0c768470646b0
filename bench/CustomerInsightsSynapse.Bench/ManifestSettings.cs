using System.Globalization;

namespace CustomerInsightsSynapse.Bench;

/// <summary>Command-line settings of the <c>cdm</c> and <c>sql</c> scenarios.</summary>
internal sealed record ManifestSettings
{
    public bool Quick { get; init; }

    public int Entities { get; init; } = 1000;

    public int Attributes { get; init; } = 300;

    public int Repetitions { get; init; } = 7;

    /// <summary>Every entity has the same attribute names (by default each entity's attributes are its own but a few).</summary>
    public bool SharedAttributes { get; init; }

    public string? OutputFile { get; init; }

    public string? WorkFolder { get; init; }

    /// <summary>
    /// Set when run through the emulator's storage proxy with this delay on every request: the <c>cdm</c> scenario then
    /// reads the folder from blob storage (Azurite behind the proxy) instead of the local disk.
    /// </summary>
    public int? LatencyMilliseconds { get; init; }

    public static ManifestSettings Parse(IReadOnlyList<string> args)
    {
        // --quick keeps the sizes of issue 11 (they take about a second) and only runs fewer repetitions.
        var s = args.Contains("--quick") ? new ManifestSettings { Quick = true, Repetitions = 3 } : new ManifestSettings();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            s = args[i] switch
            {
                "--quick" => s,
                "--shared-attributes" => s with { SharedAttributes = true },
                "--entities" => s with { Entities = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--attributes" => s with { Attributes = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--repeat" => s with { Repetitions = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--out" => s with { OutputFile = Next() },
                "--work" => s with { WorkFolder = Next() },
                "--latency-ms" => s with { LatencyMilliseconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (s.Repetitions < 1 || s.Entities < 1 || s.Attributes < 1)
        {
            throw new ArgumentException("Counts must be positive.");
        }

        return s;
    }
}
