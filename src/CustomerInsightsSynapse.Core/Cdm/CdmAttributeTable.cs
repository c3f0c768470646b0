namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The attributes of one read, each made once: attributes are immutable and kept for as long as the model, and entities
/// repeat the same attributes (the same name, type and shape) from one to the next, so an attribute met again is the
/// instance made the first time. Fewer long-lived objects spare the garbage collector copying each of them through its
/// generations. Shared by the read-ahead workers; holds at most <see cref="MaxAttributes"/> attributes.
/// </summary>
internal sealed class CdmAttributeTable
{
    private const int MaxAttributes = 65536;

    private readonly Dictionary<Key, CdmAttribute> _made = [];

    /// <summary>The attribute with these values (equal to a new <see cref="CdmAttribute"/> of them), made once per read.</summary>
    public CdmAttribute Get(string name, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description)
    {
        var key = new Key(name, dataType, maxLength, precision, scale, isNullable, description);
        lock (_made)
        {
            if (_made.TryGetValue(key, out var made))
            {
                return made;
            }

            made = new CdmAttribute(name, dataType, maxLength, precision, scale, isNullable, description);
            if (_made.Count < MaxAttributes)
            {
                _made.Add(key, made);
            }

            return made;
        }
    }

    // Strings compare as the record compares them (ordinal), so a shared attribute equals the one it stands for.
    private readonly record struct Key(string Name, string DataType, int? MaxLength, int? Precision, int? Scale, bool? IsNullable, string? Description);
}
