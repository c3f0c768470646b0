using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>One applied trait: its name and its arguments (named, or by position when unnamed).</summary>
internal sealed class CdmTrait
{
    private readonly List<(string? Name, JsonElement Value)> _arguments;

    private CdmTrait(string name, List<(string? Name, JsonElement Value)> arguments)
    {
        Name = name;
        _arguments = arguments;
    }

    public string Name { get; }

    /// <summary>The argument with this name, else the one at <paramref name="position"/> when arguments are unnamed.</summary>
    public JsonElement? Argument(string name, int position = -1)
    {
        foreach (var (argName, value) in _arguments)
        {
            if (argName is not null && string.Equals(argName, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        if (position >= 0 && position < _arguments.Count && _arguments[position].Name is null)
        {
            return _arguments[position].Value;
        }

        return null;
    }

    public string? StringArgument(string name, int position = -1) =>
        Argument(name, position) is { } value ? CdmJson.AsString(value) : null;

    public int? IntArgument(string name, int position = -1) =>
        Argument(name, position) is { } value ? CdmJson.AsInt(value) : null;

    public bool? BoolArgument(string name, int position = -1) =>
        Argument(name, position) is { } value ? CdmJson.AsBool(value) : null;

    public IEnumerable<string> ArgumentNames => _arguments.Where(a => a.Name is not null).Select(a => a.Name!);

    /// <summary>
    /// Reads a trait list (<c>exhibitsTraits</c>, <c>appliedTraits</c>, model.json <c>cdm:traits</c>): each item a
    /// trait name, or an object with <c>traitReference</c> (a name or an object with <c>traitName</c>) and <c>arguments</c>.
    /// </summary>
    public static IReadOnlyList<CdmTrait> ReadList(JsonElement owner, string property) =>
        CdmJson.TryGet(owner, property, out var list) ? ReadList(list) : [];

    /// <summary>Reads a trait list given as the list itself; anything but an array is no traits.</summary>
    public static IReadOnlyList<CdmTrait> ReadList(JsonElement list)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var traits = new List<CdmTrait>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                traits.Add(new CdmTrait(item.GetString()!, []));
                continue;
            }

            if (item.ValueKind != JsonValueKind.Object || !CdmJson.TryGet(item, "traitReference", out var reference))
            {
                continue;
            }

            var name = reference.ValueKind == JsonValueKind.String ? reference.GetString() : CdmJson.String(reference, "traitName");
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var arguments = new List<(string?, JsonElement)>();
            foreach (var argument in CdmJson.Array(item, "arguments"))
            {
                if (argument.ValueKind == JsonValueKind.Object && CdmJson.TryGet(argument, "value", out var value))
                {
                    arguments.Add((CdmJson.String(argument, "name"), value));
                }
                else
                {
                    arguments.Add((null, argument));
                }
            }

            traits.Add(new CdmTrait(name, arguments));
        }

        return traits;
    }

    public static CdmTrait? Find(IReadOnlyList<CdmTrait> traits, string name)
    {
        for (var i = 0; i < traits.Count; i++)
        {
            var trait = traits[i];
            if (string.Equals(trait.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return trait;
            }
        }

        return null;
    }
}
