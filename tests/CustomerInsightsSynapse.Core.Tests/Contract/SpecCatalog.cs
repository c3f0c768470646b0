using System.Text.Json;
using System.Text.RegularExpressions;

namespace CustomerInsightsSynapse.Core.Tests.Contract;

/// <summary>One operation of an OpenAPI 2.0 specification: method, path template, api-version and its query parameters.</summary>
public sealed record SpecOperation(string OperationId, string Method, string PathTemplate, string ApiVersion, IReadOnlySet<string> QueryParameters, string File, bool DataPlane)
{
    /// <summary>Literal segments in the template: the more, the more specific the match.</summary>
    public int Specificity => PathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries).Count(s => !s.StartsWith('{'));
}

/// <summary>
/// The operations of every specification under a folder (paths and x-ms-paths), with parameters resolved through
/// local and relative $refs, and a matcher from a request (method, path, query) to the operation it calls.
/// </summary>
public sealed class SpecCatalog
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head"];
    private readonly List<(SpecOperation Operation, Regex Pattern)> _operations = [];
    private readonly Dictionary<SpecOperation, (JsonElement Element, string File, SpecParameter[] Parameters)> _definitions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, JsonDocument> _documents = new(StringComparer.Ordinal);

    public SpecCatalog(string root)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "specification"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var document = Load(file);
            var version = document.RootElement.TryGetProperty("info", out var info) && info.TryGetProperty("version", out var v) ? v.GetString() ?? string.Empty : string.Empty;
            var dataPlane = file.Replace('\\', '/').Contains("/data-plane/", StringComparison.Ordinal);
            foreach (var section in new[] { "paths", "x-ms-paths" })
            {
                if (!document.RootElement.TryGetProperty(section, out var paths))
                {
                    continue;
                }

                foreach (var path in paths.EnumerateObject())
                {
                    var template = path.Name.Split('?')[0];
                    var shared = path.Value.TryGetProperty("parameters", out var sp) ? Parameters(file, sp).ToArray() : [];
                    foreach (var method in Methods.Where(m => path.Value.TryGetProperty(m, out _)))
                    {
                        var operation = path.Value.GetProperty(method);
                        var parameters = shared.Concat(operation.TryGetProperty("parameters", out var op) ? Parameters(file, op) : []).ToArray();
                        var query = parameters.Where(p => p.In == "query").Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                        var id = operation.TryGetProperty("operationId", out var oid) ? oid.GetString()! : $"{method} {template}";
                        var spec = new SpecOperation(id, method.ToUpperInvariant(), template, version, query, Path.GetRelativePath(root, file).Replace('\\', '/'), dataPlane);
                        _operations.Add((spec, PatternFor(template, id, parameters)));
                        _definitions[spec] = (operation, file, parameters);
                    }
                }
            }
        }
    }

    public IReadOnlyList<SpecOperation> Operations => _operations.Select(o => o.Operation).ToArray();

    /// <summary>The most specific operation with this method and path, or null.</summary>
    public SpecOperation? Match(string method, string path, bool dataPlane) =>
        _operations
            .Where(o => o.Operation.DataPlane == dataPlane && o.Operation.Method.Equals(method, StringComparison.OrdinalIgnoreCase) && o.Pattern.IsMatch(path))
            .Select(o => o.Operation)
            .OrderByDescending(o => o.Specificity)
            .FirstOrDefault();

    /// <summary>
    /// A template parameter matches one segment, or several when it skips url encoding ({scope}, a resource id).
    /// A template that is one such parameter ("/{roleId}", GetById) only matches ids of its own resource type.
    /// </summary>
    private static Regex PatternFor(string template, string operationId, IReadOnlyList<SpecParameter> parameters)
    {
        var segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pattern = string.Join("/", segments.Select(segment =>
        {
            var name = segment.StartsWith('{') && segment.EndsWith('}') ? segment[1..^1] : null;
            if (name is null)
            {
                return Regex.Escape(segment);
            }

            return parameters.Any(p => p.Name == name && p.In == "path" && p.SkipUrlEncoding) ? ".+" : "[^/]+";
        }));
        if (segments.Length == 1 && segments[0].StartsWith('{'))
        {
            var group = operationId.Split('_')[0];
            var resource = char.ToLowerInvariant(group[0]) + group[1..];
            pattern = $".+/providers/Microsoft\\.Authorization/{Regex.Escape(resource)}/[^/]+";
        }

        return new Regex($"^/{pattern}/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private sealed record SpecParameter(string Name, string In, bool SkipUrlEncoding, JsonElement Schema = default, string File = "");

    /// <summary>The schema of the operation's body parameter (and the file its $refs are relative to), or null when it takes none.</summary>
    public (JsonElement Schema, string File)? RequestSchema(SpecOperation operation)
    {
        var body = _definitions[operation].Parameters.FirstOrDefault(p => p.In == "body");
        return body is null || body.Schema.ValueKind != JsonValueKind.Object ? null : (body.Schema, body.File);
    }

    /// <summary>The response schema for a status code (or the "default" response), or null when the operation defines no body for it.</summary>
    public (JsonElement Schema, string File)? ResponseSchema(SpecOperation operation, int status)
    {
        var (element, file, _) = _definitions[operation];
        if (!element.TryGetProperty("responses", out var responses))
        {
            return null;
        }

        if (!responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) && !responses.TryGetProperty("default", out response))
        {
            return null;
        }

        var (resolved, resolvedFile) = Resolve(file, response);
        return resolved.TryGetProperty("schema", out var schema) ? (schema, resolvedFile) : null;
    }

    /// <summary>Whether the operation defines a response for the status code (a "default" response covers every error).</summary>
    public bool DefinesStatus(SpecOperation operation, int status) =>
        _definitions[operation].Element.TryGetProperty("responses", out var responses)
        && (responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out _) || (status >= 400 && responses.TryGetProperty("default", out _)));

    /// <summary>Follows a schema's $ref chain to a plain schema object.</summary>
    public (JsonElement Element, string File) ResolveSchema(string file, JsonElement schema) => Resolve(file, schema);

    private IEnumerable<SpecParameter> Parameters(string file, JsonElement list)
    {
        foreach (var item in list.EnumerateArray())
        {
            var (resolved, resolvedFile) = Resolve(file, item);
            if (resolved.TryGetProperty("name", out var name) && resolved.TryGetProperty("in", out var where))
            {
                yield return new SpecParameter(name.GetString()!, where.GetString()!,
                    resolved.TryGetProperty("x-ms-skip-url-encoding", out var skip) && skip.ValueKind == JsonValueKind.True,
                    resolved.TryGetProperty("schema", out var schema) ? schema : default, resolvedFile);
            }
        }
    }

    /// <summary>Follows "$ref" ("#/parameters/X" or "../other.json#/parameters/X") until a plain object.</summary>
    private (JsonElement Element, string File) Resolve(string file, JsonElement element)
    {
        for (var depth = 0; depth < 16 && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference); depth++)
        {
            var text = reference.GetString()!;
            var hash = text.IndexOf('#');
            var target = hash == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, hash < 0 ? text : text[..hash]));
            element = Load(target).RootElement;
            foreach (var part in (hash < 0 ? string.Empty : text[(hash + 1)..]).Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                element = element.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
            }

            file = target;
        }

        return (element, file);
    }

    private JsonDocument Load(string file)
    {
        if (!_documents.TryGetValue(file, out var document))
        {
            document = JsonDocument.Parse(File.ReadAllText(file));
            _documents[file] = document;
        }

        return document;
    }
}
