using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Writes a CDM folder of the size the issue asks for: <c>default.manifest.cdm.json</c> declaring N entities, one
/// entity document per entity with M attributes (a mix of the CDM data formats), and one small CSV partition each.
/// By default each entity's attributes are its own (as in Customer Insights folders, where entities share little more than
/// a key and timestamps): the first <see cref="SharedLeadingAttributes"/> are named alike in every entity, the rest carry
/// the entity's name. With <c>sharedAttributes</c> every entity has the same attribute names (the shape before round 9).
/// </summary>
internal static class ManifestFolder
{
    private const int SharedLeadingAttributes = 4;

    private static readonly string[] Formats = ["String", "Int64", "DateTime", "Decimal", "Boolean", "Guid", "Double", "Int32", "Date", "String"];

    /// <summary>Creates the folder and returns the paths of every JSON document in it (manifest first).</summary>
    public static IReadOnlyList<string> Write(string folder, int entities, int attributes, bool sharedAttributes)
    {
        Directory.CreateDirectory(folder);
        var documents = new List<string>(entities + 1) { Path.Combine(folder, "default.manifest.cdm.json") };
        var manifest = new StringBuilder("{\n  \"jsonSchemaSemanticVersion\": \"1.0.0\",\n  \"manifestName\": \"default\",\n  \"entities\": [\n");
        for (var e = 0; e < entities; e++)
        {
            var name = EntityName(e);
            manifest.Append(CultureInfo.InvariantCulture, $"    {{ \"type\": \"LocalEntity\", \"entityName\": \"{name}\", \"entityPath\": \"{name}.cdm.json/{name}\", \"dataPartitions\": [ {{ \"location\": \"{name}/part-00000.csv\" }} ] }}")
                .Append(e + 1 < entities ? ",\n" : "\n");
            var document = Path.Combine(folder, name + ".cdm.json");
            File.WriteAllText(document, EntityDocument(name, attributes, sharedAttributes));
            documents.Add(document);
            Directory.CreateDirectory(Path.Combine(folder, name));
            File.WriteAllText(Path.Combine(folder, name, "part-00000.csv"), "1\n");
        }

        manifest.Append("  ]\n}\n");
        File.WriteAllText(documents[0], manifest.ToString());
        return documents;
    }

    /// <summary>Reads the folder with the product's reader (what the sql scenario generates from).</summary>
    public static async Task<SqlScriptRequest> ReadRequestAsync(string folder)
    {
        var cdm = await new CdmFolderReader().ReadAsync(folder, OperationContext.None);
        var landed = cdm.Entities.Select(e => new LandedEntity(e, $"Sales/{e.Name}/20261129T070000Z")).ToList();
        return new SqlScriptRequest("Sales", QueryAccessMode.WorkspaceIdentity, DataLakeContainer.ForAccount("benchlake", "customer-insights"), landed);
    }

    private static string EntityName(int index) => "Entity" + index.ToString("D4", CultureInfo.InvariantCulture);

    private static string EntityDocument(string name, int attributes, bool sharedAttributes)
    {
        var text = new StringBuilder(200 + (attributes * 90));
        text.Append("{\n  \"jsonSchemaSemanticVersion\": \"1.0.0\",\n  \"definitions\": [\n    {\n")
            .Append(CultureInfo.InvariantCulture, $"      \"entityName\": \"{name}\",\n      \"description\": \"Generated for the bench.\",\n      \"hasAttributes\": [\n");
        for (var a = 0; a < attributes; a++)
        {
            var format = Formats[a % Formats.Length];
            var prefix = sharedAttributes || a < SharedLeadingAttributes ? "attribute" : name.ToLowerInvariant() + "_attribute";
            text.Append(CultureInfo.InvariantCulture, $"        {{ \"name\": \"{prefix}{a:D3}_{format.ToLowerInvariant()}\", \"dataFormat\": \"{format}\"");
            if (format == "String" && a % 20 == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", \"maximumLength\": {50 + a}");
            }
            else if (format == "Decimal")
            {
                text.Append(", \"precision\": 18, \"scale\": 4");
            }

            text.Append(", \"isNullable\": true }").Append(a + 1 < attributes ? ",\n" : "\n");
        }

        text.Append("      ]\n    }\n  ]\n}\n");
        return text.ToString();
    }
}
