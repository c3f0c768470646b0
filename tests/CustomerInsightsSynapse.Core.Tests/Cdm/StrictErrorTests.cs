using CustomerInsightsSynapse.Core.Diagnostics;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Where a mistake would corrupt data the reader refuses, each with its own ErrorId and a message that names the
/// document and the item (TestData/Cdm/error-*).
/// </summary>
public sealed class StrictErrorTests
{
    /// <summary>Folder → (ErrorId, the document the message must name, words it must contain).</summary>
    private static readonly Dictionary<string, (string ErrorId, string Document, string[] Mentions)> Cases = new()
    {
        ["error-partition-outside-modeljson"] = (ErrorIds.PartitionOutsideFolder, "model.json", ["entity 'Leaky'", "https://otheraccount.dfs.core.windows.net/data/Leaky/l.csv"]),
        ["error-partition-outside-manifest"] = (ErrorIds.PartitionOutsideFolder, "default.manifest.cdm.json", ["entity 'Leaky'", "otheraccount"]),
        ["error-partition-outside-windows-path"] = (ErrorIds.PartitionOutsideFolder, "model.json", ["entity 'Win'", @"C:\data\Win\w.csv"]),
        ["error-traversal-partition"] = (ErrorIds.PathTraversal, "model.json", ["entity 'Climber'", "Climber/../../secret.csv"]),
        ["error-traversal-encoded-url"] = (ErrorIds.PathTraversal, "model.json", ["entity 'Climber'", "%2E%2E"]),
        ["error-traversal-entity-path"] = (ErrorIds.PathTraversal, "default.manifest.cdm.json", ["'Climber'", "../Climber.cdm.json"]),
        ["error-traversal-root-location"] = (ErrorIds.PathTraversal, "default.manifest.cdm.json", ["pattern 'up'", "Climber/.."]),
        ["error-traversal-glob"] = (ErrorIds.PathTraversal, "default.manifest.cdm.json", ["pattern 'up'", "../*.csv"]),
        ["error-traversal-submanifest"] = (ErrorIds.PathTraversal, "default.manifest.cdm.json", ["sub-manifest 'up'", "../other/other.manifest.cdm.json"]),
        ["error-duplicate-attribute-modeljson"] = (ErrorIds.DuplicateAttribute, "model.json", ["entity 'Twice'", "'name'"]),
        ["error-duplicate-attribute-manifest"] = (ErrorIds.DuplicateAttribute, "Twice.cdm.json", ["entity 'Twice'", "'ID'"]),
        ["error-duplicate-entity-modeljson"] = (ErrorIds.DuplicateEntity, "model.json", ["'orders'"]),
        ["error-duplicate-entity-submanifest"] = (ErrorIds.DuplicateEntity, "Orders.cdm.json", ["'Orders'"]),
        ["error-entity-document-missing"] = (ErrorIds.EntityDocumentNotFound, "default.manifest.cdm.json", ["entity 'Ghost'", "Ghost.cdm.json", "does not exist"]),
        ["error-entity-definition-missing"] = (ErrorIds.EntityDocumentNotFound, "default.manifest.cdm.json", ["entity 'Ghost'", "Other.cdm.json", "no entity named 'Ghost'"]),
        ["error-unresolved-entity"] = (ErrorIds.UnresolvedEntityDocument, "Derived.cdm.json", ["'Derived'", "extends 'CdsStandard'"]),
        ["error-unresolved-datatype"] = (ErrorIds.UnresolvedEntityDocument, "Place.cdm.json", ["'Place'", "'city'"]),
        ["error-unresolved-standard"] = (ErrorIds.UnresolvedEntityDocument, "default.manifest.cdm.json", ["'Account'", "cdm:/core/applicationCommon/Account.cdm.json/Account"]),
        ["error-circular-submanifest"] = (ErrorIds.CircularSubManifest, "b.manifest.cdm.json", ["sub-manifest 'root'", "default.manifest.cdm.json -> ", "a.manifest.cdm.json -> "]),
        ["error-circular-self"] = (ErrorIds.CircularSubManifest, "default.manifest.cdm.json", ["sub-manifest 'me'"]),
        ["error-submanifest-missing"] = (ErrorIds.CdmDocumentNotFound, "gone.manifest.cdm.json", ["default.manifest.cdm.json", "does not exist"]),
        ["error-unsupported-format-manifest"] = (ErrorIds.UnsupportedPartitionFormat, "default.manifest.cdm.json", ["entity 'Events'", "'JSON'"]),
        ["error-unsupported-format-modeljson"] = (ErrorIds.UnsupportedPartitionFormat, "model.json", ["entity 'Events'", "'JsonFormatSettings'"]),
        ["error-invalid-regex"] = (ErrorIds.InvalidPartitionPattern, "default.manifest.cdm.json", ["pattern 'broken'", "(unclosed[.csv"]),
        ["error-not-json"] = (ErrorIds.InvalidCdmDocument, "model.json", ["not JSON"]),
        ["error-no-entities"] = (ErrorIds.InvalidCdmDocument, "model.json", ["no 'entities' array"]),
        ["error-entity-without-name"] = (ErrorIds.InvalidCdmDocument, "model.json", ["entity 1 has no name"]),
        ["error-not-a-manifest"] = (ErrorIds.InvalidCdmDocument, "default.manifest.cdm.json", ["not a manifest"]),
        ["error-bad-url"] = (ErrorIds.InvalidCdmDocument, "model.json", ["entity 'Placeholder'", "not a valid URL"]),
        ["error-ambiguous"] = (ErrorIds.AmbiguousCdmDocument, "error-ambiguous", ["first.manifest.cdm.json", "second.manifest.cdm.json"]),
        ["error-no-document"] = (ErrorIds.CdmDocumentNotFound, "error-no-document", ["no model.json"]),
    };

    public static TheoryData<string> ErrorFolders() => new(ErrorFolderNames());

    private static IEnumerable<string> ErrorFolderNames() =>
        Directory.EnumerateDirectories(OwnFixtures, "error-*").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(ErrorFolders))]
    public void EachStrictErrorFixtureFailsWithItsOwnError(string fixture)
    {
        Assert.True(Cases.TryGetValue(fixture, out var expected), $"No expected error written down for '{fixture}'.");
        var ex = ReadFails(Path.Combine(OwnFixtures, fixture));
        Assert.Equal(expected.ErrorId, ex.ErrorId);
        Assert.Contains(expected.Document, ex.Message, StringComparison.Ordinal);
        foreach (var mention in expected.Mentions)
        {
            Assert.Contains(mention, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryExpectedErrorHasItsFixture() =>
        Assert.Empty(Cases.Keys.Except(ErrorFolderNames()));

    [Fact]
    public void ErrorKindsMatchWhatWentWrong()
    {
        Assert.Equal(ErrorKind.SecurityError, ReadFails(Path.Combine(OwnFixtures, "error-traversal-partition")).Kind);
        Assert.Equal(ErrorKind.SecurityError, ReadFails(Path.Combine(OwnFixtures, "error-partition-outside-modeljson")).Kind);
        Assert.Equal(ErrorKind.InvalidData, ReadFails(Path.Combine(OwnFixtures, "error-duplicate-attribute-modeljson")).Kind);
        Assert.Equal(ErrorKind.ObjectNotFound, ReadFails(Path.Combine(OwnFixtures, "error-entity-document-missing")).Kind);
        Assert.Equal(ErrorKind.ObjectNotFound, ReadFails(Path.Combine(OwnFixtures, "does-not-exist")).Kind);
    }

    [Fact]
    public void ANonexistentSourceIsNotFound()
    {
        var missing = Path.Combine(OwnFixtures, "does-not-exist", "model.json");
        var ex = ReadFails(missing);
        Assert.Equal(ErrorIds.CdmDocumentNotFound, ex.ErrorId);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UrlSourcesNeedAStorageSignIn()
    {
        var ex = ReadFails("https://account.dfs.core.windows.net/container/folder");
        Assert.Equal(ErrorIds.NotConnected, ex.ErrorId);
    }
}
