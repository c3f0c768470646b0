using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

public sealed class LandingPlannerTests
{
    private static readonly CdmAttribute[] Attributes = [new("Id", "string"), new("Amount", "decimal", Precision: 18, Scale: 2)];

    [Fact]
    public void Fingerprint_IsStable_AndIgnoresPartitionOrder()
    {
        var a = Part("a.csv", 10, "e1");
        var b = Part("b.csv", 20, "e2");
        Assert.Equal(EntityFingerprint.Compute(Attributes, [a, b]), EntityFingerprint.Compute(Attributes, [b, a]));
        Assert.StartsWith("sha256:", EntityFingerprint.Compute(Attributes, [a]), StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_ChangesWithEverythingThatChangesTheLandedData()
    {
        var baseline = EntityFingerprint.Compute(Attributes, [Part("a.csv", 10, "e1")]);
        string[] variants =
        [
            EntityFingerprint.Compute(Attributes, [Part("a.csv", 11, "e1")]),
            EntityFingerprint.Compute(Attributes, [Part("a.csv", 10, "e2")]),
            EntityFingerprint.Compute(Attributes, [Part("b.csv", 10, "e1")]),
            EntityFingerprint.Compute(Attributes, [Part("a.csv", 10, "e1"), Part("c.csv", 1, "e3")]),
            EntityFingerprint.Compute(Attributes, [Part("a.csv", 10, "e1", new CsvFormat(HasHeader: true))]),
            EntityFingerprint.Compute(Attributes, [Part("a.csv", 10, "e1", new CsvFormat(Delimiter: ";"))]),
            EntityFingerprint.Compute(Attributes, [Part("a.csv", 10, "e1") with { Partition = new CdmPartition("/x/a.csv", PartitionFormat.Parquet) }]),
            EntityFingerprint.Compute([Attributes[0]], [Part("a.csv", 10, "e1")]),
            EntityFingerprint.Compute([Attributes[1], Attributes[0]], [Part("a.csv", 10, "e1")]),
            EntityFingerprint.Compute([Attributes[0], Attributes[1] with { DataType = "double" }], [Part("a.csv", 10, "e1")]),
            EntityFingerprint.Compute([Attributes[0] with { MaxLength = 20 }, Attributes[1]], [Part("a.csv", 10, "e1")]),
        ];
        Assert.All(variants, v => Assert.NotEqual(baseline, v));
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void RelativePaths_KeepFileNamesAndTheShapeBelowTheCommonFolder()
    {
        var root = Path.Combine(Path.GetTempPath(), "cdm");
        var single = Entity(Path.Combine(root, "Contact", "part-1.csv"));
        Assert.Equal(["part-1.csv"], LandingPlanner.RelativePaths(single));

        var tree = Entity(Path.Combine(root, "Contact", "2024", "01", "p.csv"), Path.Combine(root, "Contact", "2024", "02", "p.csv"));
        Assert.Equal(["01/p.csv", "02/p.csv"], LandingPlanner.RelativePaths(tree));

        var blobs = Entity("https://acct.blob.core.windows.net/cdm/Contact/Snap/part-1.csv", "https://acct.dfs.core.windows.net/cdm/Contact/Snap/part-2.csv");
        Assert.Equal(["part-1.csv", "part-2.csv"], LandingPlanner.RelativePaths(blobs));
    }

    [Fact]
    public void RelativePaths_PrefixFileAndFolderNamesServerlessWouldSkip()
    {
        var root = Path.Combine(Path.GetTempPath(), "cdm");
        var hidden = Entity(Path.Combine(root, "Contact", "_2024", "_part-1.csv"), Path.Combine(root, "Contact", ".tmp", ".part-2.csv"), Path.Combine(root, "Contact", "ok", "a_b.csv"));

        Assert.Equal(["x_2024/x_part-1.csv", "x.tmp/x.part-2.csv", "ok/a_b.csv"], LandingPlanner.RelativePaths(hidden));
        Assert.Equal(LandingPlanner.RelativePaths(hidden), LandingPlanner.RelativePaths(hidden));
        var blob = Entity("https://acct.blob.core.windows.net/cdm/Contact/_part-1.csv");
        Assert.Equal(["x_part-1.csv"], LandingPlanner.RelativePaths(blob));
    }

    [Fact]
    public void RelativePaths_RefuseAPartitionListedTwice()
    {
        var path = Path.Combine(Path.GetTempPath(), "cdm", "Contact", "p.csv");
        var ex = Assert.Throws<CISynapseException>(() => LandingPlanner.RelativePaths(Entity(path, path)));
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
    }

    [Fact]
    public void SnapshotIds_SortInTimeOrder_AndAreRecognised()
    {
        var earlier = SnapshotId.New(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var later = SnapshotId.New(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 7, TimeSpan.Zero));
        Assert.StartsWith("20260102T030405006Z-", earlier, StringComparison.Ordinal);
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.True(SnapshotId.IsSnapshotId(earlier));
        Assert.False(SnapshotId.IsSnapshotId("notes"));
        Assert.False(SnapshotId.IsSnapshotId(earlier + "x"));
    }

    [Fact]
    public async Task ContentHashMode_SeesAnEditThatKeepsSizeAndTime_QuickCheckDoesNot()
    {
        var folder = Directory.CreateTempSubdirectory("cisynapse-plan-").FullName;
        try
        {
            var path = Path.Combine(folder, "p.csv");
            await File.WriteAllTextAsync(path, "a,1\n");
            var stamp = File.GetLastWriteTimeUtc(path);
            var hashBefore = await EntityFingerprint.HashFileAsync(path, CancellationToken.None);
            await File.WriteAllTextAsync(path, "b,1\n");
            File.SetLastWriteTimeUtc(path, stamp);

            Assert.NotEqual(hashBefore, await EntityFingerprint.HashFileAsync(path, CancellationToken.None));
            Assert.Equal("sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant(), await EntityFingerprint.HashFileAsync(path, CancellationToken.None));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static SourcePartition Part(string name, long size, string version, CsvFormat? csv = null) =>
        new(new CdmPartition("/x/" + name, PartitionFormat.Csv, csv ?? CsvFormat.Default), name, size, version);

    private static CdmEntity Entity(params string[] locations) =>
        new("Contact", Attributes, locations.Select(l => new CdmPartition(l, PartitionFormat.Csv)).ToArray());
}
