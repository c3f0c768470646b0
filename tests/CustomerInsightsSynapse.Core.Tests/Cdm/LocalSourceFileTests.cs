using System.Diagnostics;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;
using CustomerInsightsSynapse.Core.FileSystem;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>Issue 24 item 1: no file outside a local CDM folder is read, whatever links the folder holds.</summary>
public sealed class LocalSourceFileTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TempFolder _outside = new();

    public void Dispose()
    {
        _folder.Dispose();
        _outside.Dispose();
    }

    [Fact]
    public void SymlinkedEntityFolderLeadingOutside_IsRefused_NamingThePartition()
    {
        _outside.Write("secret.csv", "top,secret\n");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "Leak"), _outside.Path);
        WriteModel(("Leak", "Leak/secret.csv"));

        var ex = ReadFails(_folder.Path);

        Assert.Equal(ErrorIds.SourceFileOutsideFolder, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Contains("Leak/secret.csv", ex.Message.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Contains("entity 'Leak'", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.RecommendedAction);
    }

    [Fact]
    public void PartitionFileSymlinkedToAnOutsideFile_IsRefused()
    {
        var secret = _outside.Write("secret.csv", "top,secret\n");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "E"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "E", "part.csv"), secret);
        WriteModel(("E", "E/part.csv"));

        Assert.Equal(ErrorIds.SourceFileOutsideFolder, ReadFails(_folder.Path).ErrorId);
    }

    [Fact]
    public void ModelJsonSymlinkedToAnOutsideFile_IsRefused()
    {
        var outsideModel = _outside.Write("model.json", """{ "name": "m", "version": "1.0", "entities": [] }""");
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "model.json"), outsideModel);

        Assert.Equal(ErrorIds.SourceFileOutsideFolder, ReadFails(_folder.Path).ErrorId);
    }

    [Fact]
    public void LinkWhoseTargetClimbsThroughAnotherLink_IsResolvedAsTheSystemDoes()
    {
        // Read lexically, "Inner/../x.csv" stays in the folder; the system first follows Inner (outside), then climbs.
        var deep = Directory.CreateDirectory(Path.Combine(_outside.Path, "deep")).FullName;
        _outside.Write("x.csv", "outside\n");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "Inner"), deep);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "E"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "E", "part.csv"), Path.Combine("..", "Inner", "..", "x.csv"));
        _folder.Write("x.csv", "inside\n");
        WriteModel(("E", "E/part.csv"));

        Assert.Equal(ErrorIds.SourceFileOutsideFolder, ReadFails(_folder.Path).ErrorId);
        Assert.Equal(Path.Combine(RealPaths.Resolve(_outside.Path), "x.csv"), RealPaths.Resolve(Path.Combine(_folder.Path, "E", "part.csv")));
    }

    [Fact]
    public void SymlinkedEntityFolderSwappedToOutsideBetweenReads_IsRefusedOnTheSecondRead()
    {
        _folder.Write(Path.Combine("data", "E", "part.csv"), "1\n");
        _outside.Write(Path.Combine("E", "part.csv"), "top,secret\n");
        var link = Path.Combine(_folder.Path, "E");
        Directory.CreateSymbolicLink(link, Path.Combine(_folder.Path, "data", "E"));
        WriteModel(("E", "E/part.csv"));
        Assert.Single(Assert.Single(Read(_folder.Path).Entities).Partitions);

        Directory.Delete(link);
        Directory.CreateSymbolicLink(link, Path.Combine(_outside.Path, "E"));

        Assert.Equal(ErrorIds.SourceFileOutsideFolder, ReadFails(_folder.Path).ErrorId);
    }

    [Fact]
    public void FilesResolvedWithTheirFoldersRemembered_ResolveAsEachResolvedWhole()
    {
        var deep = Directory.CreateDirectory(Path.Combine(_outside.Path, "deep")).FullName;
        _outside.Write("x.csv", "outside\n");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "Inner"), deep);
        _folder.Write(Path.Combine("shared", "data.csv"), "1\n");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "Linked"), Path.Combine(_folder.Path, "shared"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "E"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "E", "climbs.csv"), Path.Combine("..", "Inner", "..", "x.csv"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "E", "inside.csv"), Path.Combine("..", "Linked", "data.csv"));
        string[] paths =
        [
            Path.Combine(_folder.Path, "E", "climbs.csv"),
            Path.Combine(_folder.Path, "E", "inside.csv"),
            Path.Combine(_folder.Path, "Linked", "data.csv"),
            Path.Combine(_folder.Path, "Linked", "missing.csv"),
            Path.Combine(_folder.Path, "Inner", "..", "x.csv"),
            Path.Combine(_folder.Path, "Linked", "."),
            Path.Combine(_folder.Path, "E"),
        ];
        var resolvedFolders = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();

        foreach (var path in paths.Concat(paths))
        {
            Assert.Equal(RealPaths.Resolve(path), RealPaths.Resolve(path, resolvedFolders));
        }

        Assert.NotEmpty(resolvedFolders);
    }

    [Fact]
    public void SymlinkThatStaysInsideTheFolder_IsFollowed()
    {
        var shared = _folder.Write(Path.Combine("shared", "data.csv"), "1\n");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "E"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "E", "part.csv"), Path.Combine("..", "shared", "data.csv"));
        WriteModel(("E", "E/part.csv"));

        var partition = Assert.Single(Assert.Single(Read(_folder.Path).Entities).Partitions);

        Assert.Equal(RealPaths.Resolve(_folder.Path), partition.LocalFolder);
        using var stream = LocalSourceFiles.Open(partition.LocalFolder, partition.Location, "p", 1, FileOptions.None);
        Assert.Equal(RealPaths.Resolve(shared), stream.Name);
    }

    [Fact]
    public void FifoPartition_IsRefusedWithoutBeingOpened()
    {
        Assert.False(OperatingSystem.IsWindows(), "FIFOs in a folder are a Unix case");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "E"));
        Run("mkfifo", Path.Combine(_folder.Path, "E", "part.csv"));
        WriteModel(("E", "E/part.csv"));

        Assert.Equal(ErrorIds.SourceFileNotRegular, ReadFails(_folder.Path).ErrorId);
    }

    [Fact]
    public void HardLinkedPartition_IsRefused()
    {
        Assert.False(OperatingSystem.IsWindows(), "link counts are read on Linux and macOS");
        var secret = _outside.Write("secret.csv", "top,secret\n");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "E"));
        Run("ln", secret, Path.Combine(_folder.Path, "E", "part.csv"));
        WriteModel(("E", "E/part.csv"));

        var ex = ReadFails(_folder.Path);

        Assert.Equal(ErrorIds.SourceFileNotRegular, ex.ErrorId);
        Assert.Contains("hard links", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PartitionSwappedForALinkAfterReading_IsRefusedWhenOpened()
    {
        var part = _folder.Write(Path.Combine("E", "part.csv"), "1\n");
        WriteModel(("E", "E/part.csv"));
        var partition = Assert.Single(Assert.Single(Read(_folder.Path).Entities).Partitions);
        var secret = _outside.Write("secret.csv", "top,secret\n");
        File.Delete(part);
        File.CreateSymbolicLink(part, secret);

        var ex = Assert.Throws<CISynapseException>(() => LocalSourceFiles.Open(partition.LocalFolder, partition.Location, "the partition 'E/part.csv'", 1, FileOptions.None));

        Assert.Equal(ErrorIds.SourceFileOutsideFolder, ex.ErrorId);
    }

    [Fact]
    public void PartitionWithoutAKnownFolder_IsRefusedWhenOpened()
    {
        var part = _folder.Write("part.csv", "1\n");

        Assert.Equal(ErrorIds.SourceFileOutsideFolder, Assert.Throws<CISynapseException>(() => LocalSourceFiles.Open(null, part, "p", 1, FileOptions.None)).ErrorId);
    }

    private void WriteModel(params (string Entity, string Location)[] partitions)
    {
        var entities = partitions.Select(p => new
        {
            name = p.Entity,
            attributes = new[] { new { name = "a", dataType = "string" } },
            partitions = new[] { new { name = "p", location = p.Location } },
        });
        _folder.Write("model.json", JsonSerializer.Serialize(new { name = "m", version = "1.0", entities }));
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
