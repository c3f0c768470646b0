using System.Globalization;
using Azure.Storage;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Peak memory of a landing, measured in a fresh process: the parent starts this program again with
/// <c>rss-child</c>; the child lands one local partition and prints its peak resident set (VmHWM from
/// /proc/self/status) as <c>VmHWM_kB=…</c>.
/// </summary>
internal static class RssChild
{
    private const string Marker = "VmHWM_kB=";

    /// <summary>Runs a child and returns its VmHWM in kB.</summary>
    public static long Run(IReadOnlyList<string> args) =>
        long.Parse(BenchChild.RunAsync(args, Marker).GetAwaiter().GetResult(), CultureInfo.InvariantCulture);

    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        string? Arg(string name)
        {
            var i = args.ToList().IndexOf(name);
            return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
        }

        var connection = Arg("--connection") ?? throw new ArgumentException("--connection is required.");
        var endpoint = connection.Split(';').First(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..].TrimEnd('/');
        var factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey));
        if (!args.Contains("--idle"))
        {
            var file = Arg("--file") ?? throw new ArgumentException("--file is required.");
            var options = new LandingOptions
            {
                MaxParallelBlocks = int.Parse(Arg("--parallel-blocks") ?? "4", CultureInfo.InvariantCulture),
                BlockSize = int.Parse(Arg("--block-size") ?? "8", CultureInfo.InvariantCulture) * LandingOptions.MiB,
            };
            var target = new LakeTarget(BlobLocation.Parse($"{endpoint}/{Arg("--container")}"), "RssDb");
            var entity = new CdmEntity("Partition", [new CdmAttribute("Value", "string")], [new CdmPartition(Path.GetFullPath(file), PartitionFormat.Csv) { LocalFolder = RealPaths.Resolve(Path.GetDirectoryName(Path.GetFullPath(file))!) }]);
            var result = await new LakeLander(factory, options).LandAsync(target, [entity], OperationContext.None);
            if (result.Entities[0].Action != LandingAction.Landed)
            {
                Console.Error.WriteLine(result.Entities[0].Error?.Message);
                return 1;
            }
        }
        else
        {
            _ = factory.Container(BlobLocation.Parse($"{endpoint}/idle")).Exists();
        }

        var status = await File.ReadAllLinesAsync("/proc/self/status");
        var hwm = status.First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Console.WriteLine(Marker + hwm);
        return 0;
    }
}
