using System.Reflection;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;

namespace CustomerInsightsSynapse.Core.Tests.Diagnostics;

public sealed class RecommendedActionTests
{
    private static readonly string[] ErrorIdValues = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    public static TheoryData<string> AllErrorIds() => new(ErrorIdValues);

    [Theory]
    [MemberData(nameof(AllErrorIds))]
    public void Every_error_id_has_a_default_recommended_action(string errorId)
    {
        var action = RecommendedActions.For(errorId);
        Assert.False(string.IsNullOrWhiteSpace(action), $"ErrorIds.{errorId} has no entry in RecommendedActions: add one.");
        Assert.EndsWith(".", action.TrimEnd(')', '"'));
    }

    [Fact]
    public void The_registry_names_only_error_ids_that_exist()
    {
        Assert.True(ErrorIdValues.Length > 50, "the ErrorIds constants were found by reflection");
        Assert.DoesNotContain(RecommendedActions.ErrorIdsWithDefaults, id => !ErrorIdValues.Contains(id, StringComparer.Ordinal));
    }

    [Fact]
    public void An_exception_without_its_own_action_gets_the_default_and_one_with_its_own_keeps_it()
    {
        var plain = new CISynapseException(ErrorIds.ContainerNotFound, ErrorKind.ObjectNotFound, "The container 'x' was not found.");
        Assert.Equal(RecommendedActions.For(ErrorIds.ContainerNotFound), plain.RecommendedAction);

        var specific = new CISynapseException(ErrorIds.ContainerNotFound, ErrorKind.ObjectNotFound, "The container 'x' was not found.") { RecommendedAction = "Use 'y'." };
        Assert.Equal("Use 'y'.", specific.RecommendedAction);
    }
}

public sealed class NameSuggestionTests
{
    [Theory]
    [InlineData("exprots", "exports")]
    [InlineData("EXPORTS", "exports")]
    [InlineData("sales-emea", "sales-emea2")]
    [InlineData("contoso", null)]
    [InlineData("ab", null)]
    public void Suggests_the_nearest_name_only_when_it_is_a_slip(string wanted, string? expected) =>
        Assert.Equal(expected, NameSuggestions.Nearest(wanted, ["exports", "sales-emea2", "landing", "cd"]));

    [Fact]
    public void Lists_up_to_ten_names_and_counts_the_rest()
    {
        var names = Enumerable.Range(1, 13).Select(i => $"container{i:00}").ToList();
        var text = NameSuggestions.Describe("container1", names, "containers of the storage account 'sa'");
        Assert.StartsWith("The containers of the storage account 'sa' are: 'container01', ", text);
        Assert.Contains("'container10' and 3 more.", text);
        Assert.DoesNotContain("container11", text);
        Assert.EndsWith("Did you mean 'container01'?", text);
    }

    [Fact]
    public void Says_when_nothing_exists() =>
        Assert.Equal("There are no exports in the store.", NameSuggestions.Describe("x", [], "exports in the store"));

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("Flaw", "lawn", 2)]
    [InlineData("", "abc", 3)]
    [InlineData("Same", "sAME", 0)]
    public void Measures_the_edit_distance_ignoring_case(string a, string b, int distance) =>
        Assert.Equal(distance, NameSuggestions.Distance(a, b));
}

public sealed class ExportRunOutcomeTests
{
    private static ExportRunRecord Record(ExportRunStatus status, params EntityRunRecord[] entities) => new()
    {
        RunId = "20261205T000000000Z-abcdef",
        ExportName = "nightly",
        ConnectionName = "Sales",
        DatabaseName = "ci",
        StartedBy = "00000000-0000-0000-0000-000000000001",
        StartedOn = DateTimeOffset.UnixEpoch,
        Status = status,
        Entities = entities,
    };

    [Fact]
    public void A_succeeded_or_canceled_run_calls_for_no_error()
    {
        Assert.Null(ExportRunOutcome.ErrorFor(Record(ExportRunStatus.Succeeded)));
        Assert.Null(ExportRunOutcome.ErrorFor(Record(ExportRunStatus.Canceled)));
    }

    [Fact]
    public void A_failed_run_is_ExportRunFailed_with_the_cause_inside_and_the_record_attached()
    {
        var cause = new CISynapseException(ErrorIds.CdmDocumentNotFound, ErrorKind.ObjectNotFound, "The CDM source '/ci' does not exist.");
        var record = Record(ExportRunStatus.Failed);
        var error = Assert.IsType<ExportRunFailedException>(ExportRunOutcome.ErrorFor(record, cause));
        Assert.Equal(ErrorIds.ExportRunFailed, error.ErrorId);
        Assert.Same(cause, error.InnerException);
        Assert.Equal(ErrorIds.CdmDocumentNotFound, error.CauseErrorId);
        Assert.Same(record, error.Record);
        Assert.Same(record, error.Target);
        Assert.Contains("/ci", error.Message);
        Assert.False(string.IsNullOrEmpty(error.RecommendedAction));
    }

    [Fact]
    public void A_run_whose_entities_all_failed_carries_the_first_entity_error_as_its_cause()
    {
        var record = Record(ExportRunStatus.Failed, new EntityRunRecord("Customer", EntityRunAction.Failed, 0, 0, null, 0, ErrorIds.PartitionNotFound, "The partition 'p1' does not exist."));
        var error = Assert.IsType<ExportRunFailedException>(ExportRunOutcome.ErrorFor(record));
        Assert.Equal(ErrorIds.PartitionNotFound, error.CauseErrorId);
        Assert.Contains("p1", error.Message);
    }

    [Fact]
    public void A_partially_succeeded_run_is_a_plain_error_naming_the_failed_entities()
    {
        var record = Record(
            ExportRunStatus.PartiallySucceeded,
            new EntityRunRecord("Customer", EntityRunAction.Landed, 2, 10, "s1", 1),
            new EntityRunRecord("Segments", EntityRunAction.Failed, 0, 0, null, 0, ErrorIds.PartitionNotFound, "missing"));
        var error = ExportRunOutcome.ErrorFor(record);
        Assert.NotNull(error);
        Assert.IsNotType<ExportRunFailedException>(error);
        Assert.Equal(ErrorIds.ExportRunPartiallySucceeded, error.ErrorId);
        Assert.Contains("'Segments'", error.Message);
        Assert.DoesNotContain("'Customer'", error.Message);
        Assert.Same(record, error.Target);
    }
}
