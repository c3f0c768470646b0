using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>How documents are written: camelCase, enums as names, indented so a person can read them.</summary>
public static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };
}
