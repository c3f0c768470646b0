using Azure.Storage;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Peak memory of converting one CSV partition of <see cref="ParquetCustomerData"/> shape and landing it as Parquet,
/// in a fresh process: <c>parquet-rss-child --connection … --container … --file …</c> prints <c>VmHWM_kB=…</c>
/// as <see cref="RssChild"/> does (the parent runs it through <see cref="RssChild.Run"/>).
/// </summary>
internal static class ParquetRssChild
{
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        string Arg(string name)
        {
            var i = args.ToList().IndexOf(name);
            return i >= 0 && i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{name} is required.");
        }

        var endpoint = Arg("--connection").Split(';').First(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..].TrimEnd('/');
        var factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey));
        var target = new LakeTarget(BlobLocation.Parse($"{endpoint}/{Arg("--container")}"), "RssDb");
        var file = Path.GetFullPath(Arg("--file"));
        var partition = new CdmPartition(file, PartitionFormat.Csv, CsvFormat.Default) { LocalFolder = Path.GetDirectoryName(file) };
        var entity = new CdmEntity("Customer", ParquetCustomerData.Attributes, [partition]);
        var result = await new LakeLander(factory, new LandingOptions { LandAs = LandingFormat.Parquet }).LandAsync(target, [entity], OperationContext.None);
        if (result.Entities[0].Action != LandingAction.Landed)
        {
            Console.Error.WriteLine(result.Entities[0].Error?.Message);
            return 1;
        }

        var status = await File.ReadAllLinesAsync("/proc/self/status");
        var hwm = status.First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Console.WriteLine("VmHWM_kB=" + hwm); // the line RssChild.Run reads
        return 0;
    }
}
