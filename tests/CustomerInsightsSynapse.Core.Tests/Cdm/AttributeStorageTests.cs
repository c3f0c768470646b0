using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// An entity's attributes are values held in its own array, not an object each: a folder's model keeps hundreds of
/// thousands of them for as long as it lives, and every object is one more for the garbage collector to copy through
/// its generations. Entities that have an attribute alike hold equal values, however it was written or read.
/// </summary>
public sealed class AttributeStorageTests
{
    [Fact]
    public void AnEntitysAttributesReadForwardTakeNoObjectEach()
    {
        const int count = 2000;
        var attributes = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{ "name": "a{{i}}", "dataFormat": "String", "maximumLength": 40 }"""));
        var document = System.Text.Encoding.UTF8.GetBytes($$"""{ "definitions": [ { "entityName": "E", "hasAttributes": [ {{attributes}} ] } ] }""");
        var names = new CdmNameTable();

        // The first read makes the names; the second finds them all in the table, so it allocates for the attributes alone.
        Assert.Equal(count, EntityDocumentForwardReader.TryRead(document, 64, names)![0].Attributes.Count);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = EntityDocumentForwardReader.TryRead(document, 64, names)!;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(new CdmAttribute("a1999", "string", 40), read[0].Attributes[^1]);

        // Held in the array, an attribute takes 40 bytes; an object each would take 56 and its 8-byte slot in the array.
        Assert.True(allocated < count * 48L + 4096, $"{allocated:N0} bytes allocated for {count:N0} attributes.");
    }

    [Fact]
    public void EntitiesOfOneReadHoldEqualAttributesWhereTheyHaveThemAlikeReadForwardOrParsed()
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
        Assert.Equal(new CdmAttribute("id", "guid"), a[0]);
        Assert.Equal(a[0], b[0]);
        Assert.Equal(a[0], c[0]);
        Assert.Equal(new CdmAttribute("amount", "decimal", Precision: 18, Scale: 4), a[1]);
        Assert.Equal(new CdmAttribute("amount", "decimal", Precision: 18, Scale: 2), b[1]);
    }

    [Fact]
    public void EntitiesHoldEqualAttributesHoweverTheNameIsWritten()
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
        Assert.All(["Escaped", "Padded", "Parsed"], name => Assert.Equal(plain, Entity(folder, name).Attributes[0]));
    }

    [Fact]
    public void EntitiesOfAModelJsonHoldEqualAttributesWhereTheyHaveThemAlike()
    {
        using var temp = new TempFolder();
        temp.Write("model.json", """
            { "name": "m", "entities": [
              { "$type": "LocalEntity", "name": "A", "attributes": [ { "name": "id", "dataType": "guid" }, { "name": "note", "dataType": "string", "description": "Note." } ] },
              { "$type": "LocalEntity", "name": "B", "attributes": [ { "name": "id", "dataType": "guid" }, { "name": "note", "dataType": "string", "description": "Other." } ] } ] }
            """);

        var folder = Read(temp.Path);

        var (a, b) = (Entity(folder, "A").Attributes, Entity(folder, "B").Attributes);
        Assert.Equal(new CdmAttribute("id", "guid"), a[0]);
        Assert.Equal(a[0], b[0]);
        Assert.Equal(new CdmAttribute("note", "string", Description: "Note."), a[1]);
        Assert.Equal(new CdmAttribute("note", "string", Description: "Other."), b[1]);
    }
}
