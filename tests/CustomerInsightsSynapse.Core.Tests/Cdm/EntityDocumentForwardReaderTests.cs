using System.Text;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Entity documents read forward from their bytes (<see cref="EntityDocumentForwardReader"/>) read exactly as the
/// document path reads them (<see cref="CdmJson.Parse"/> and <see cref="EntityDefinitionReader"/>), or are left to it.
/// </summary>
public sealed class EntityDocumentForwardReaderTests
{
    private const int MaxDepth = 64;

    [Fact]
    public void EveryFixtureDocumentReadsForwardAsItIsParsedOrIsLeftToTheDocumentPath()
    {
        var files = Directory.EnumerateFiles(RepositoryPaths.SharedCdmFixtures, "*.json", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(OwnFixtures, "*.json", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .ToList();
        var readForward = 0;
        var leftToTheDocumentPath = 0;
        foreach (var file in files)
        {
            var definitions = DefinitionsReadForward(File.ReadAllBytes(file), file);
            readForward += definitions > 0 ? 1 : 0;
            leftToTheDocumentPath += definitions is null ? 1 : 0;
        }

        // Both kinds are among the fixtures, so both sides of the comparison are exercised.
        Assert.True(readForward >= 10, $"{readForward} fixture documents with definitions were read forward.");
        Assert.True(leftToTheDocumentPath >= 10, $"{leftToTheDocumentPath} fixture documents were left to the document path.");
    }

    public static TheoryData<string> PlainDocuments => new()
    {
        // Properties in another order, the definition's attributes before its name.
        """{ "definitions": [ { "hasAttributes": [ { "isNullable": false, "dataFormat": "Int64", "name": "id" }, { "maximumLength": 40, "name": "city", "dataFormat": "String" } ], "entityName": "Customer" } ], "jsonSchemaSemanticVersion": "1.0.0" }""",

        // Unknown properties holding objects, arrays and scalars, at every level.
        """{ "imports": [ { "corpusPath": "cdm:/foundations.cdm.json" } ], "definitions": [ { "entityName": "Customer", "displayName": { "x": [1, 2, { "y": null }] }, "hasAttributes": [ { "name": "id", "purpose": "hasA", "resolutionGuidance": { "a": [] }, "dataFormat": "Guid", "sourceName": "ID", "entity": null } ] } ], "other": [ [ ], { } ] }""",

        // Escaped property names and values.
        """{ "d\u0065finitions": [ { "entity\u004eame": "Customer", "has\u0041ttributes": [ { "n\u0061me": "\u0069d", "d\u0061taFormat": "\u0053tring", "d\u0065scription": "line\none \"quoted\"" }, { "name": "caf\u00e9", "dataFormat": "Int32" } ] } ] }""",

        // Comments and trailing commas everywhere, and a comment after the root object.
        """
        // a document
        { /* before */ "definitions": [ { "entityName": "Customer", "hasAttributes": [ { "name": "id", /* inline */ "dataFormat": "Int64", }, ], }, ], } // after
        /* last */
        """,

        // Lenient values: numbers and booleans as text, integers as booleans, nulls, ignorable non-arrays, padded names.
        """{ "definitions": [ { "entityName": "Customer", "description": null, "exhibitsTraits": [], "extendsEntity": null, "hasAttributes": [ { "name": " amount ", "dataFormat": "Decimal", "precision": "18", "scale": " 4 ", "isNullable": "yes", "appliedTraits": [] }, { "name": "flag", "dataFormat": " boolean ", "isNullable": 0, "maximumLength": 0 }, { "name": "n", "dataFormat": "Int32", "isNullable": "maybe", "precision": "x", "scale": null, "maximumLength": true, "appliedTraits": "none" }, { "name": "w", "dataFormat": "   ", "dataType": "integer", "description": null } ] } ] }""",

        // Primitive data types instead of formats, with the shape fixedDecimal implies, and precision given over it.
        """{ "definitions": [ { "entityName": "Customer", "description": "Customers.", "exhibitsTraits": [ "is.CDM.entityVersion" ], "hasAttributes": [ { "name": "a", "dataType": "fixedDecimal" }, { "name": "b", "dataType": "fixedDecimal", "precision": 10 }, { "name": "c", "dataType": "entityId", "dataFormat": null }, { "name": "d", "dataType": "Text" } ] } ] }""",

        // Several definitions, one without attributes, items that are not objects, and names differing only in case.
        """{ "definitions": [ 7, "text", { "entityName": "First", "hasAttributes": [ { "name": "x", "dataFormat": "Date" } ] }, { "entityName": "Second", "hasAttributes": { "not": "an array" } }, { "entityName": "first", "hasAttributes": [] }, { "hasAttributes": [ { "name": "y", "dataFormat": "Time" } ] } ] }""",

        // A document without definitions.
        """{ "jsonSchemaSemanticVersion": "1.0.0" }""",
    };

    [Theory]
    [MemberData(nameof(PlainDocuments))]
    public void APlainDocumentReadsForwardAsItIsParsed(string json)
    {
        Assert.True(DefinitionsReadForward(Encoding.UTF8.GetBytes(json), json) is not null, "The document was not read forward.");
    }

    [Fact]
    public void AByteOrderMarkOrUtf16ReadsForwardAsItIsParsed()
    {
        const string json = """{ "definitions": [ { "entityName": "Größe", "hasAttributes": [ { "name": "Straße", "dataFormat": "String" } ] } ] }""";
        var utf8Bom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(json)).ToArray();
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(json)).ToArray();

        Assert.Equal(1, DefinitionsReadForward(utf8Bom, "utf-8 with a mark"));
        Assert.Equal(1, DefinitionsReadForward(utf16, "utf-16"));
    }

    [Fact]
    public void ANameMetAgainIsTheSameStringAsTheDocumentPathGives()
    {
        var names = new CdmNameTable();
        var json = Encoding.UTF8.GetBytes("""{ "definitions": [ { "entityName": "A", "hasAttributes": [ { "name": "customerId", "dataFormat": "Guid" } ] }, { "entityName": "B", "hasAttributes": [ { "name": "customerId", "dataFormat": "Guid" } ] } ] }""");

        var definitions = EntityDocumentForwardReader.TryRead(json, MaxDepth, names)!;

        Assert.Same(definitions[0].Attributes[0].Name, definitions[1].Attributes[0].Name);
    }

    public static TheoryData<string, string> UnusualDocuments => new()
    {
        { "a property written twice", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "name": "b", "dataFormat": "String" } ] } ] }""" },
        { "a data format written twice", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": "String", "dataFormat": "Int64" } ] } ] }""" },
        { "definitions written twice", """{ "definitions": [], "definitions": [ { "entityName": "C" } ] }""" },
        { "a property in another case", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "Name": "a", "dataFormat": "String" } ] } ] }""" },
        { "an escaped property in another case", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "D\u0061taFormat": "String", "dataFormat": "Int64" } ] } ] }""" },
        { "a definition property in another case", """{ "Definitions": [ { "entityName": "C" } ] }""" },
        { "applied traits", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": "String", "appliedTraits": [ { "traitReference": "is.constrained", "arguments": [ { "name": "maximumLength", "value": "20" } ] } ] } ] } ] }""" },
        { "a description from traits", """{ "definitions": [ { "entityName": "C", "exhibitsTraits": [ { "traitReference": "is.localized.describedAs", "arguments": [ { "entityReference": { "constantValues": [ [ "en", "From traits." ] ] } } ] } ], "hasAttributes": [] } ] }""" },
        { "an unknown data format", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": "Money" } ] } ] }""" },
        { "a data format that is a number", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": 5 } ] } ] }""" },
        { "a data type reference", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataType": { "dataTypeReference": "integer" } } ] } ] }""" },
        { "a semantic data type", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataType": "email" } ] } ] }""" },
        { "no data type", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a" } ] } ] }""" },
        { "an entity attribute", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "entity": { "entityReference": "Other" } } ] } ] }""" },
        { "an attribute group", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "attributeGroupReference": "attributesAddedAtThisScope" } ] } ] }""" },
        { "a blank name", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "  ", "dataFormat": "String" } ] } ] }""" },
        { "a name that is a number", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": 5, "dataFormat": "String" } ] } ] }""" },
        { "two attributes named alike", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": "String" }, { "name": " A", "dataFormat": "Int64" } ] } ] }""" },
        { "an attribute that is not an object", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ "a" ] } ] }""" },
        { "a definition extending another", """{ "definitions": [ { "entityName": "C", "extendsEntity": "CdmEntity", "hasAttributes": [] } ] }""" },
        { "a precision that is not an int", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": "Decimal", "precision": 18.0 } ] } ] }""" },
        { "an entity name that is a number", """{ "definitions": [ { "entityName": 5, "hasAttributes": [] } ] }""" },
        { "definitions that are not an array", """{ "definitions": { "entityName": "C" } }""" },
        { "a root that is an array", """[ { "definitions": [] } ]""" },
        { "a truncated document", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": "String" } ] } ]""" },
        { "text after the root object", """{ "definitions": [] } x""" },
        { "an empty document", "" },
    };

    [Theory]
    [MemberData(nameof(UnusualDocuments))]
    public void AnUnusualDocumentIsLeftToTheDocumentPath(string what, string json)
    {
        Assert.True(DefinitionsReadForward(Encoding.UTF8.GetBytes(json), what) is null, $"A document with {what} was read forward.");
    }

    [Fact]
    public void ADocumentNestedDeeperThanTheLimitIsLeftToTheDocumentPath()
    {
        var deep = string.Concat(Enumerable.Repeat("[", MaxDepth + 1)) + string.Concat(Enumerable.Repeat("]", MaxDepth + 1));
        var json = $$"""{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": "a", "dataFormat": "String", "x": {{deep}} } ] } ] }""";

        Assert.Null(EntityDocumentForwardReader.TryRead(Encoding.UTF8.GetBytes(json), MaxDepth, new CdmNameTable()));
    }

    /// <summary>
    /// A manifest's entity documents, one read forward and one left to the document path, read through the whole reader
    /// exactly as the document path reads each definition.
    /// </summary>
    [Fact]
    public void AManifestReadsItsDocumentsAsTheDocumentPathReadsThem()
    {
        const string plain = """{ "definitions": [ { "entityName": "Plain", "description": "Read forward.", "hasAttributes": [ { "name": "id", "dataFormat": "Int64", "isNullable": false }, { "name": "amount", "dataType": "fixedDecimal" } ] } ] }""";
        const string withTraits = """{ "definitions": [ { "entityName": "Traits", "hasAttributes": [ { "name": "id", "dataFormat": "Int64", "appliedTraits": [ "is.nullable", { "traitReference": "is.constrained", "arguments": [ { "name": "maximumLength", "value": 12 } ] } ] } ] } ] }""";
        using var folder = new TempFolder();
        folder.Write("Plain.cdm.json", plain);
        folder.Write("Traits.cdm.json", withTraits);
        folder.Write("default.manifest.cdm.json", """{ "manifestName": "default", "entities": [ { "entityName": "Plain", "entityPath": "Plain.cdm.json/Plain" }, { "entityName": "Traits", "entityPath": "Traits.cdm.json/Traits" } ] }""");
        Assert.NotNull(EntityDocumentForwardReader.TryRead(Encoding.UTF8.GetBytes(plain), MaxDepth, new CdmNameTable()));
        Assert.Null(EntityDocumentForwardReader.TryRead(Encoding.UTF8.GetBytes(withTraits), MaxDepth, new CdmNameTable()));

        var read = Read(folder.Path);

        foreach (var (name, json) in new[] { ("Plain", plain), ("Traits", withTraits) })
        {
            var (attributes, description) = ReadByDocumentPath(json);
            var entity = Entity(read, name);
            Assert.Equal(attributes, entity.Attributes);
            Assert.Equal(description, entity.Description);
        }

        Assert.Equal(new CdmAttribute("id", "int64", IsNullable: true, MaxLength: 12), Entity(read, "Traits").Attributes[0]);
    }

    /// <summary>
    /// Entity documents written in UTF-16 (one read forward, one left to the document path, which parses the bytes the
    /// forward read was given) read through the whole reader exactly as the same documents in UTF-8.
    /// </summary>
    [Fact]
    public void AManifestReadsUtf16DocumentsAsTheSameDocumentsInUtf8()
    {
        const string plain = """{ "definitions": [ { "entityName": "Plain", "description": "Größe", "hasAttributes": [ { "name": "Straße", "dataFormat": "String", "maximumLength": 30 } ] } ] }""";
        const string withTraits = """{ "definitions": [ { "entityName": "Traits", "hasAttributes": [ { "name": "Größe", "dataFormat": "Decimal", "appliedTraits": [ { "traitReference": "is.dataFormat.numeric.shaped", "arguments": [ { "name": "precision", "value": 12 }, { "name": "scale", "value": 3 } ] } ] } ] } ] }""";
        const string manifest = """{ "manifestName": "default", "entities": [ { "entityName": "Plain", "entityPath": "Plain.cdm.json/Plain" }, { "entityName": "Traits", "entityPath": "Traits.cdm.json/Traits" } ] }""";
        using var utf8 = new TempFolder();
        using var utf16 = new TempFolder();
        foreach (var (name, json) in new[] { ("Plain.cdm.json", plain), ("Traits.cdm.json", withTraits), ("default.manifest.cdm.json", manifest) })
        {
            utf8.Write(name, json);
            File.WriteAllBytes(Path.Combine(utf16.Path, name), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(json)]);
        }

        var expected = Read(utf8.Path);
        var read = Read(utf16.Path);

        foreach (var name in new[] { "Plain", "Traits" })
        {
            Assert.Equal(Entity(expected, name).Attributes, Entity(read, name).Attributes);
            Assert.Equal(Entity(expected, name).Description, Entity(read, name).Description);
        }

        Assert.Equal(new CdmAttribute("Größe", "decimal", Precision: 12, Scale: 3), Entity(read, "Traits").Attributes[0]);
    }

    private static (IReadOnlyList<CdmAttribute> Attributes, string? Description) ReadByDocumentPath(string json)
    {
        using var document = CdmJson.Parse(Encoding.UTF8.GetBytes(json), "doc", MaxDepth);
        var definition = CdmJson.Array(document.RootElement, "definitions").Single();
        return EntityDefinitionReader.Read(definition, "doc", CdmJson.String(definition, "entityName")!, _ => Assert.Fail("no warning"), new CdmNameTable());
    }

    /// <summary>
    /// The number of definitions read forward, after checking that they read exactly as the document path reads every
    /// definition of the document (same entity names, attributes and descriptions, with no warning and no error); null
    /// when the document is left to the document path.
    /// </summary>
    private static int? DefinitionsReadForward(byte[] bytes, string what)
    {
        var forward = EntityDocumentForwardReader.TryRead(CdmJson.Utf8(bytes).Span, MaxDepth, new CdmNameTable());
        JsonDocument document;
        try
        {
            document = CdmJson.Parse(bytes, what, MaxDepth);
        }
        catch (CISynapseException)
        {
            Assert.True(forward is null, $"{what}: read forward though it does not parse.");
            return null;
        }

        using (document)
        {
            if (forward is null)
            {
                return null;
            }

            var definitions = CdmJson.Array(document.RootElement, "definitions").Where(d => d.ValueKind == JsonValueKind.Object).ToList();
            Assert.True(definitions.Count == forward.Count, $"{what}: {forward.Count} definitions read forward, {definitions.Count} parsed.");
            for (var i = 0; i < definitions.Count; i++)
            {
                var entityName = CdmJson.String(definitions[i], "entityName");
                var warnings = new List<string>();
                var (attributes, description) = EntityDefinitionReader.Read(definitions[i], what, entityName ?? "(none)", warnings.Add, new CdmNameTable());
                Assert.Empty(warnings);
                Assert.Equal(entityName, forward[i].EntityName);
                Assert.Equal(attributes, forward[i].Attributes);
                Assert.Equal(description, forward[i].Description);
            }

            return forward.Count;
        }
    }
}
