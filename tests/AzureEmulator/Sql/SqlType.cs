using AzureEmulator.Tds;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Sql;

/// <summary>The SQL types the executor reads, converts and sends.</summary>
public enum SqlTypeKind
{
    Bit,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Real,
    Float,
    Decimal,
    Varchar,
    NVarchar,
    Date,
    Time,
    DateTime2,
    DateTimeOffset,
    UniqueIdentifier,
}

/// <summary>
/// A column type. Values are carried as CLR values: bool, byte, short, int, long, float, double, decimal, string,
/// DateTime (date and datetime2), TimeSpan (time), DateTimeOffset and Guid. <see cref="Length"/> is -1 for (max).
/// </summary>
public sealed record SqlType(SqlTypeKind Kind, int Length = 0, byte Precision = 0, byte Scale = 0, string? Collation = null)
{
    public const int Max = -1;

    public static readonly SqlType Bit = new(SqlTypeKind.Bit);
    public static readonly SqlType Int = new(SqlTypeKind.Int);
    public static readonly SqlType BigInt = new(SqlTypeKind.BigInt);
    public static readonly SqlType DateTimeOffset7 = new(SqlTypeKind.DateTimeOffset, Scale: 7);

    public static SqlType VarcharOf(int length) => new(SqlTypeKind.Varchar, Math.Max(length, 1));

    public bool IsText => Kind is SqlTypeKind.Varchar or SqlTypeKind.NVarchar;

    public bool IsInteger => Kind is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt;

    /// <summary>The type a WITH column or CAST target declares; anything else is refused as unsupported.</summary>
    public static SqlType From(DataTypeReference reference, Identifier? collation = null)
    {
        if (reference is not SqlDataTypeReference sql)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the data type {reference.Name.BaseIdentifier.Value}"));
        }

        var parameters = sql.Parameters.Select(p => p is MaxLiteral ? Max : int.Parse(p.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int Param(int index, int fallback) => parameters.Length > index ? parameters[index] : fallback;
        byte ScaleOf7() => (byte)Param(0, 7);
        return sql.SqlDataTypeOption switch
        {
            SqlDataTypeOption.Bit => Bit,
            SqlDataTypeOption.TinyInt => new SqlType(SqlTypeKind.TinyInt),
            SqlDataTypeOption.SmallInt => new SqlType(SqlTypeKind.SmallInt),
            SqlDataTypeOption.Int => Int,
            SqlDataTypeOption.BigInt => BigInt,
            SqlDataTypeOption.Real => new SqlType(SqlTypeKind.Real),
            SqlDataTypeOption.Float => Param(0, 53) <= 24 ? new SqlType(SqlTypeKind.Real) : new SqlType(SqlTypeKind.Float),
            SqlDataTypeOption.Decimal or SqlDataTypeOption.Numeric => new SqlType(SqlTypeKind.Decimal, Precision: (byte)Param(0, 18), Scale: (byte)Param(1, 0)),
            SqlDataTypeOption.VarChar or SqlDataTypeOption.Char => new SqlType(SqlTypeKind.Varchar, Param(0, 1), Collation: collation?.Value),
            SqlDataTypeOption.NVarChar or SqlDataTypeOption.NChar => new SqlType(SqlTypeKind.NVarchar, Param(0, 1), Collation: collation?.Value),
            SqlDataTypeOption.Date => new SqlType(SqlTypeKind.Date),
            SqlDataTypeOption.Time => new SqlType(SqlTypeKind.Time, Scale: ScaleOf7()),
            SqlDataTypeOption.DateTime2 => new SqlType(SqlTypeKind.DateTime2, Scale: ScaleOf7()),
            SqlDataTypeOption.DateTimeOffset => new SqlType(SqlTypeKind.DateTimeOffset, Scale: ScaleOf7()),
            SqlDataTypeOption.UniqueIdentifier => new SqlType(SqlTypeKind.UniqueIdentifier),
            _ => throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the data type {sql.SqlDataTypeOption}")),
        };
    }

    /// <summary>The type as T-SQL names it (for messages).</summary>
    public override string ToString() => Kind switch
    {
        SqlTypeKind.Varchar or SqlTypeKind.NVarchar => $"{Kind.ToString().ToLowerInvariant()}({(Length == Max ? "max" : Length)})",
        SqlTypeKind.Decimal => $"decimal({Precision},{Scale})",
        SqlTypeKind.Time or SqlTypeKind.DateTime2 or SqlTypeKind.DateTimeOffset => $"{Kind.ToString().ToLowerInvariant()}({Scale})",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>A result or rowset column: its name and type.</summary>
public sealed record SqlColumn(string Name, SqlType Type);
