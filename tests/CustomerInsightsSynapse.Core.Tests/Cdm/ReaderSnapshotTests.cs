using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Differential guard for the reader's speed work: every file of the shared CDM fixtures and every file and folder of
/// this project's CDM fixtures is read, and the whole outcome (each entity, attribute and partition with every field,
/// the warnings in order, or the error's id and message) must equal what the reader gave before it was made faster
/// (<c>TestData/Cdm/reader-snapshots.txt</c>, written by the reader as it was at fa82b25). Set
/// <c>CISYNAPSE_WRITE_CDM_SNAPSHOTS=1</c> to write the file again after an intended change, and review its diff.
/// </summary>
public sealed class ReaderSnapshotTests
{
    private static string SnapshotFile => Path.Combine(OwnFixtures, "reader-snapshots.txt");

    [Fact]
    public void EveryFixtureReadsExactlyAsBefore()
    {
        var actual = Snapshot();
        if (Environment.GetEnvironmentVariable("CISYNAPSE_WRITE_CDM_SNAPSHOTS") == "1")
        {
            File.WriteAllText(SnapshotFile, actual);
        }

        var expected = File.ReadAllText(SnapshotFile);
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Min(expectedLines.Length, actualLines.Length); i++)
        {
            Assert.True(expectedLines[i] == actualLines[i], $"Line {i + 1} differs.\nexpected: {expectedLines[i]}\nactual:   {actualLines[i]}");
        }

        Assert.Equal(expectedLines.Length, actualLines.Length);
    }

    private static string Snapshot()
    {
        var text = new StringBuilder();
        var shared = RepositoryPaths.SharedCdmFixtures;
        foreach (var relative in SharedFixtureTests.AllFixtureFiles())
        {
            Describe(text, "shared/" + relative, Path.Combine(shared, relative));
        }

        var own = OwnFixtures;
        foreach (var folder in Directory.EnumerateDirectories(own).Order(StringComparer.Ordinal))
        {
            Describe(text, "own/" + Path.GetFileName(folder), folder);
            foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Describe(text, "own/" + Path.GetRelativePath(own, file).Replace('\\', '/'), file);
            }
        }

        return text.ToString().Replace(shared, "<shared>", StringComparison.Ordinal).Replace(own, "<own>", StringComparison.Ordinal);
    }

    private static void Describe(StringBuilder text, string name, string source)
    {
        text.Append("== ").Append(name).Append('\n');
        CdmFolder folder;
        try
        {
            folder = Read(source);
        }
        catch (CISynapseException ex)
        {
            text.Append("error ").Append(ex.ErrorId).Append(" | ").Append(ex.Kind).Append(" | ").Append(Escaped(ex.Message)).Append(" | ").Append(ex.Target).Append(" | ").Append(Escaped(ex.RecommendedAction)).Append('\n');
            return;
        }

        text.Append("folder ").Append(folder.Kind).Append(" | ").Append(folder.Location).Append(" | ").Append(folder.DocumentPath).Append('\n');
        foreach (var entity in folder.Entities)
        {
            text.Append("entity ").Append(entity.Name).Append(" | ").Append(Escaped(entity.Description)).Append(" | ").Append(entity.DocumentPath)
                .Append(" | ").Append(string.Join(";", entity.Annotations.Select(a => $"{a.Key}={a.Value}"))).Append('\n');
            foreach (var a in entity.Attributes)
            {
                text.Append("  attribute ").Append(a.Name).Append(" | ").Append(a.DataType).Append(" | ").Append(Number(a.MaxLength)).Append(" | ")
                    .Append(Number(a.Precision)).Append(" | ").Append(Number(a.Scale)).Append(" | ").Append(a.IsNullable?.ToString() ?? "-").Append(" | ").Append(Escaped(a.Description)).Append('\n');
            }

            foreach (var p in entity.Partitions)
            {
                // LastModified is the checkout's file time, so only whether it is known is compared.
                text.Append("  partition ").Append(p.Location).Append(" | ").Append(p.Format).Append(" | ").Append(Escaped(p.Csv?.ToString())).Append(" | ").Append(Number(p.Csv?.SkipLines))
                    .Append(" | ").Append(p.Size?.ToString(CultureInfo.InvariantCulture) ?? "-").Append(" | ").Append(p.LastModified is null ? "no time" : "time")
                    .Append(" | ").Append(p.ETag).Append(" | ").Append(p.Name).Append(" | ").Append(p.LocalFolder).Append('\n');
            }
        }

        foreach (var warning in folder.Warnings)
        {
            text.Append("warning ").Append(Escaped(warning)).Append('\n');
        }
    }

    /// <summary>Text with its line breaks written out, so that each line of the snapshot is one item.</summary>
    private static string? Escaped(string? value) => value?.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
