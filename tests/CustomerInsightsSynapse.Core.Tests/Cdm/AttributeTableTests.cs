using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Attributes are made once per read (<see cref="CdmAttributeTable"/>): an attribute met again with every value the same
/// is the same instance, equal to the attribute its values make; one differing in any value is another.
/// </summary>
public sealed class AttributeTableTests
{
    public static TheoryData<CdmAttribute> Attributes => new()
    {
        new CdmAttribute("id", "guid"),
        new CdmAttribute("amount", "decimal", null, 18, 4, true, "Amount."),
        new CdmAttribute("city", "string", 40, IsNullable: false),
        new CdmAttribute("note", "String ", Description: ""),
    };

    [Theory]
    [MemberData(nameof(Attributes))]
    public void AnAttributeMetAgainIsTheSameInstanceEqualToTheOneItsValuesMake(CdmAttribute expected)
    {
        var table = new CdmAttributeTable();

        var made = Get(table, expected);

        Assert.Equal(expected, made);
        Assert.Same(made, Get(table, expected with { Name = new string(expected.Name.AsSpan()), Description = expected.Description is null ? null : new string(expected.Description.AsSpan()) }));
        Assert.NotSame(made, Get(new CdmAttributeTable(), expected));
    }

    [Fact]
    public void AnAttributeDifferingInAnyValueIsAnother()
    {
        var table = new CdmAttributeTable();
        var first = new CdmAttribute("amount", "decimal", 10, 18, 4, true, "Amount.");
        var variants = new[]
        {
            first,
            first with { Name = "Amount" },
            first with { DataType = "double" },
            first with { MaxLength = null },
            first with { MaxLength = 11 },
            first with { Precision = null },
            first with { Precision = 19 },
            first with { Scale = 0 },
            first with { IsNullable = false },
            first with { IsNullable = null },
            first with { Description = null },
            first with { Description = "amount." },
        };

        var made = variants.Select(v => Get(table, v)).ToList();

        Assert.Equal(variants, made);
        Assert.Equal(variants.Length, made.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void ManyThreadsAtOnceGetEachAttributeAsItsValuesMakeIt()
    {
        var expected = Enumerable.Range(0, 5000).Select(i => new CdmAttribute($"attribute{i % 300}", i % 2 == 0 ? "string" : "int64", i % 7 == 0 ? 50 : null)).ToArray();
        var table = new CdmAttributeTable();
        var made = new CdmAttribute[expected.Length];

        Parallel.For(0, expected.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => made[i] = Get(table, expected[i]));

        Assert.Equal(expected, made);
        Assert.Equal(expected.Distinct().Count(), made.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void PastWhatTheTableKeepsEachAttributeIsStillMadeAsItsValuesMakeIt()
    {
        var expected = Enumerable.Range(0, 20000).Select(i => new CdmAttribute($"attribute{i}", "string", i % 5 == 0 ? i : null)).ToArray();
        var table = new CdmAttributeTable();

        var made = expected.Select(e => Get(table, e)).ToList();
        var again = expected.Select(e => Get(table, e)).ToList();

        Assert.Equal(expected, made);
        Assert.Equal(expected, again);
        Assert.Same(made[0], again[0]);
    }

    [Fact]
    public void AFullTableStillMakesEachAttributeAsItsValuesMakeItLookingAtABoundedNumberOfSlots()
    {
        const int slots = 64;
        var expected = Enumerable.Range(0, 5000).Select(i => new CdmAttribute($"entity{i / 300:D4}_attribute{i % 300:D3}", i % 3 == 0 ? "string" : "int64", i % 7 == 0 ? 50 : null, IsNullable: true)).ToArray();
        var table = new CdmAttributeTable(slots);

        var made = expected.Select(e => GetCountingProbes(table, e)).ToList();
        var again = expected.Select(e => GetCountingProbes(table, e)).ToList();

        Assert.Equal(expected, made.Select(m => m.Attribute));
        Assert.Equal(expected, again.Select(m => m.Attribute));
        Assert.All(made.Concat(again), m => Assert.InRange(m.Probes, 1, CdmAttributeTable.MaxProbes));
        Assert.Same(made[0].Attribute, again[0].Attribute);
        Assert.Equal(1, again[0].Probes);
        var kept = Enumerable.Range(0, expected.Length).Count(i => ReferenceEquals(made[i].Attribute, again[i].Attribute));
        Assert.InRange(kept, 1, slots);
    }

    [Fact]
    public void EntitiesOfOneReadShareTheAttributesTheyHaveAlikeReadForwardOrParsed()
    {
        using var temp = new TempFolder();
        temp.Write("default.manifest.cdm.json", """
            { "entities": [
              { "entityName": "A", "entityPath": "A.cdm.json/A" },
              { "entityName": "B", "entityPath": "B.cdm.json/B" },
              { "entityName": "C", "entityPath": "C.cdm.json/C" } ] }
            """);
        temp.Write("A.cdm.json", """{ "definitions": [ { "entityName": "A", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "amount", "dataFormat": "Decimal", "precision": 18, "scale": 4 } ] } ] }""");
        temp.Write("B.cdm.json", """{ "definitions": [ { "entityName": "B", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "amount", "dataFormat": "Decimal", "precision": 18, "scale": 2 } ] } ] }""");

        // Applied traits leave this document to the document path.
        temp.Write("C.cdm.json", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "id", "dataFormat": "Guid", "appliedTraits": [ "is.CDM.attributeGroup" ] } ] } ] }""");

        var folder = Read(temp.Path);

        var (a, b, c) = (Entity(folder, "A").Attributes, Entity(folder, "B").Attributes, Entity(folder, "C").Attributes);
        Assert.Same(a[0], b[0]);
        Assert.Same(a[0], c[0]);
        Assert.NotSame(a[1], b[1]);
        Assert.Equal(new CdmAttribute("amount", "decimal", Precision: 18, Scale: 2), b[1]);
        Assert.NotSame(a[0], Entity(Read(temp.Path), "A").Attributes[0]);
    }

    [Fact]
    public void EntitiesShareAnAttributeHoweverItsNameIsWritten()
    {
        using var temp = new TempFolder();
        temp.Write("default.manifest.cdm.json", """
            { "entities": [
              { "entityName": "Plain", "entityPath": "Plain.cdm.json/Plain" },
              { "entityName": "Escaped", "entityPath": "Escaped.cdm.json/Escaped" },
              { "entityName": "Padded", "entityPath": "Padded.cdm.json/Padded" },
              { "entityName": "Parsed", "entityPath": "Parsed.cdm.json/Parsed" } ] }
            """);
        temp.Write("Plain.cdm.json", """{ "definitions": [ { "entityName": "Plain", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" } ] } ] }""");
        temp.Write("Escaped.cdm.json", """{ "definitions": [ { "entityName": "Escaped", "hasAttributes": [ { "name": "i\u0064", "dataFormat": "Guid" } ] } ] }""");
        temp.Write("Padded.cdm.json", """{ "definitions": [ { "entityName": "Padded", "hasAttributes": [ { "name": " id ", "dataFormat": "Guid" } ] } ] }""");

        // Applied traits leave this document to the document path.
        temp.Write("Parsed.cdm.json", """{ "definitions": [ { "entityName": "Parsed", "hasAttributes": [ { "name": " i\u0064", "dataFormat": "Guid", "appliedTraits": [ "is.CDM.attributeGroup" ] } ] } ] }""");

        var folder = Read(temp.Path);

        var plain = Entity(folder, "Plain").Attributes[0];
        Assert.Equal(new CdmAttribute("id", "guid"), plain);
        Assert.All(["Escaped", "Padded", "Parsed"], name => Assert.Same(plain, Entity(folder, name).Attributes[0]));
    }

    [Fact]
    public void EntitiesOfAModelJsonShareTheAttributesTheyHaveAlike()
    {
        using var temp = new TempFolder();
        temp.Write("model.json", """
            { "name": "m", "entities": [
              { "$type": "LocalEntity", "name": "A", "attributes": [ { "name": "id", "dataType": "guid" }, { "name": "note", "dataType": "string", "description": "Note." } ] },
              { "$type": "LocalEntity", "name": "B", "attributes": [ { "name": "id", "dataType": "guid" }, { "name": "note", "dataType": "string", "description": "Other." } ] } ] }
            """);

        var folder = Read(temp.Path);

        var (a, b) = (Entity(folder, "A").Attributes, Entity(folder, "B").Attributes);
        Assert.Same(a[0], b[0]);
        Assert.NotSame(a[1], b[1]);
        Assert.Equal(new CdmAttribute("note", "string", Description: "Other."), b[1]);
    }

    private static CdmAttribute Get(CdmAttributeTable table, CdmAttribute values) =>
        table.Get(values.Name, values.DataType, values.MaxLength, values.Precision, values.Scale, values.IsNullable, values.Description);

    private static (CdmAttribute Attribute, int Probes) GetCountingProbes(CdmAttributeTable table, CdmAttribute values)
    {
        var attribute = table.Get(values.Name, values.DataType, values.MaxLength, values.Precision, values.Scale, values.IsNullable, values.Description, out var probes);
        return (attribute, probes);
    }
}
