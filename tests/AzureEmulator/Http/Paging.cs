using System.Text.Json.Nodes;

namespace AzureEmulator.Http;

/// <summary>ARM-style paging: a page of "value" plus a nextLink carrying $skiptoken when more remain.</summary>
public static class Paging
{
    public static JsonObject Page(HttpRequest request, IReadOnlyList<JsonNode> items, int pageSize, string nextLinkName = "nextLink")
    {
        var skip = int.TryParse(request.Query["$skiptoken"], out var s) && s > 0 ? s : 0;
        var page = new JsonArray(items.Skip(skip).Take(pageSize).Select(i => i.DeepClone()).ToArray());
        var result = new JsonObject { ["value"] = page };
        if (skip + pageSize < items.Count)
        {
            result[nextLinkName] = NextLink(request, skip + pageSize);
        }
        else if (nextLinkName == "nextLink")
        {
            result[nextLinkName] = null;
        }

        return result;
    }

    private static string NextLink(HttpRequest request, int skip)
    {
        var query = request.Query
            .Where(q => !q.Key.Equals("$skiptoken", StringComparison.OrdinalIgnoreCase))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append($"$skiptoken={skip}");
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', query)}";
    }
}
