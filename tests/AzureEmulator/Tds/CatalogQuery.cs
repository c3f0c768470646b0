using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Tds;

/// <summary>
/// Evaluates the expressions and simple queries the module sends (DB_ID, ISNULL, EXISTS over sys.* views with
/// WHERE, =, &lt;&gt;, AND, OR, NOT, IS NULL, scalar subqueries) against the catalog, with SQL's three-valued logic.
/// </summary>
internal sealed class CatalogQuery(SqlCatalog.CatalogView catalog, SqlDatabase current)
{
    /// <summary>A row of a system view: column name to value (string, int or null).</summary>
    private sealed class Row(Dictionary<string, object?> values, string? alias)
    {
        public string? Alias { get; } = alias;

        public Dictionary<string, object?> Values { get; } = values;
    }

    /// <summary>A query's result: column names and rows.</summary>
    public sealed record Result(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<object?[]> Rows);

    public bool? Test(BooleanExpression expression) => Test(expression, []);

    public Result Run(QueryExpression query) => Run(query, []);

    private bool? Test(BooleanExpression expression, IReadOnlyList<Row> scope) => expression switch
    {
        BooleanParenthesisExpression p => Test(p.Expression, scope),
        BooleanNotExpression n => Test(n.Expression, scope) is { } v ? !v : null,
        BooleanBinaryExpression b when b.BinaryExpressionType == BooleanBinaryExpressionType.And =>
            Test(b.FirstExpression, scope) is var l && l == false ? false : Test(b.SecondExpression, scope) is var r && r == false ? false : l is null || r is null ? null : true,
        BooleanBinaryExpression b =>
            Test(b.FirstExpression, scope) is var l2 && l2 == true ? true : Test(b.SecondExpression, scope) is var r2 && r2 == true ? true : l2 is null || r2 is null ? null : false,
        BooleanIsNullExpression isNull => (Value(isNull.Expression, scope) is null) != isNull.IsNot,
        ExistsPredicate exists => Run(exists.Subquery.QueryExpression, scope).Rows.Count > 0,
        BooleanComparisonExpression c => Compare(Value(c.FirstExpression, scope), Value(c.SecondExpression, scope), c.ComparisonType),
        _ => throw new UnsupportedSqlException(expression.GetType().Name),
    };

    private static bool? Compare(object? left, object? right, BooleanComparisonType type)
    {
        if (left is null || right is null)
        {
            return null;
        }

        var order = left is string || right is string
            ? string.Compare(Convert.ToString(left, System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(right, System.Globalization.CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase)
            : Convert.ToInt64(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToInt64(right, System.Globalization.CultureInfo.InvariantCulture));
        return Holds(type, order);
    }

    /// <summary>Whether a comparison holds for two values that order as <paramref name="order"/> (&lt;0, 0, &gt;0).</summary>
    internal static bool Holds(BooleanComparisonType type, int order) => type switch
    {
        BooleanComparisonType.Equals => order == 0,
        BooleanComparisonType.NotEqualToBrackets or BooleanComparisonType.NotEqualToExclamation => order != 0,
        BooleanComparisonType.GreaterThan => order > 0,
        BooleanComparisonType.LessThan => order < 0,
        BooleanComparisonType.GreaterThanOrEqualTo => order >= 0,
        BooleanComparisonType.LessThanOrEqualTo => order <= 0,
        _ => throw new UnsupportedSqlException("comparison " + type),
    };

    private object? Value(ScalarExpression expression, IReadOnlyList<Row> scope)
    {
        switch (expression)
        {
            case NullLiteral:
                return null;
            case IntegerLiteral i:
                return int.Parse(i.Value, System.Globalization.CultureInfo.InvariantCulture);
            case StringLiteral s:
                return s.Value;
            case ParenthesisExpression p:
                return Value(p.Expression, scope);
            case ScalarSubquery sub:
                var result = Run(sub.QueryExpression, scope);
                return result.Rows.Count == 0 ? null : result.Rows[0][0];
            case ColumnReferenceExpression column:
                return Column(column, scope);
            case FunctionCall call:
                return Call(call, scope);
            default:
                throw new UnsupportedSqlException(expression.GetType().Name);
        }
    }

    private object? Call(FunctionCall call, IReadOnlyList<Row> scope)
    {
        var args = call.Parameters.Select(p => Value(p, scope)).ToArray();
        switch (call.FunctionName.Value.ToUpperInvariant())
        {
            case "DB_ID":
                return args.Length == 0 ? current.Id : args[0] is string name ? catalog.Database(name)?.Id : null;
            case "DB_NAME":
                return args.Length == 0 ? current.Name : catalog.Databases.FirstOrDefault(d => Equals(d.Id, args[0]))?.Name;
            case "ISNULL":
                return args[0] ?? args[1];
            case "OBJECT_ID":
                return args[0] is string objectName ? FindView(objectName)?.ObjectId : null;
            case "DATABASE_PRINCIPAL_ID":
                return args.Length == 1 && args[0] is string principal ? PrincipalId(principal) : throw new UnsupportedSqlException("DATABASE_PRINCIPAL_ID without a name");
            default:
                throw new UnsupportedSqlException(call.FunctionName.Value);
        }
    }

    /// <summary>The id of a role or user of the current database; null when it has none of that name.</summary>
    private int? PrincipalId(string name) => current.Roles.GetValueOrDefault(name)?.Id ?? current.Users.GetValueOrDefault(name)?.Id;

    private SqlView? FindView(string name)
    {
        var parts = name.Split('.').Select(p => p.Trim('[', ']')).ToArray();
        var key = parts.Length >= 2 ? parts[^2] + "." + parts[^1] : "dbo." + parts[^1];
        return current.Views.GetValueOrDefault(key);
    }

    private static object? Column(ColumnReferenceExpression column, IReadOnlyList<Row> scope)
    {
        var ids = column.MultiPartIdentifier.Identifiers;
        var name = ids[^1].Value;
        var alias = ids.Count > 1 ? ids[^2].Value : null;
        for (var i = scope.Count - 1; i >= 0; i--)
        {
            var row = scope[i];
            if (alias is not null && !string.Equals(alias, row.Alias, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (row.Values.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        throw new SqlStatementException(new SqlError(207, 1, 16, $"Invalid column name '{name}'."));
    }

    private Result Run(QueryExpression query, IReadOnlyList<Row> scope)
    {
        var spec = query switch
        {
            QuerySpecification q => q,
            QueryParenthesisExpression { QueryExpression: QuerySpecification q } => q,
            _ => throw new UnsupportedSqlException(query.GetType().Name),
        };
        IEnumerable<Row> rows;
        if (spec.FromClause is null)
        {
            rows = [new Row(new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase), null)];
        }
        else if (spec.FromClause.TableReferences is [NamedTableReference table])
        {
            rows = SystemView(table).Select(values => new Row(values, table.Alias?.Value ?? table.SchemaObject.BaseIdentifier.Value));
        }
        else
        {
            throw new UnsupportedSqlException("FROM with joins");
        }

        var selected = rows.Where(r => spec.WhereClause?.SearchCondition is not { } where || Test(where, [.. scope, r]) == true).ToList();
        var columns = new List<ResultColumn>();
        var output = new List<object?[]>();
        foreach (var row in selected)
        {
            var values = new List<object?>();
            var rowScope = new List<Row>(scope) { row };
            var first = output.Count == 0;
            foreach (var element in spec.SelectElements)
            {
                switch (element)
                {
                    case SelectStarExpression:
                        foreach (var (name, value) in row.Values)
                        {
                            values.Add(value);
                            if (first)
                            {
                                columns.Add(new ResultColumn(name, value is int));
                            }
                        }

                        break;
                    case SelectScalarExpression scalar:
                        var v = Value(scalar.Expression, rowScope);
                        values.Add(v);
                        if (first)
                        {
                            var name = scalar.ColumnName?.Value ?? (scalar.Expression as ColumnReferenceExpression)?.MultiPartIdentifier.Identifiers[^1].Value ?? string.Empty;
                            columns.Add(new ResultColumn(name, v is int || (v is null && IsIntegerExpression(scalar.Expression))));
                        }

                        break;
                    default:
                        throw new UnsupportedSqlException(element.GetType().Name);
                }
            }

            output.Add([.. values]);
        }

        if (output.Count == 0)
        {
            columns.AddRange(spec.SelectElements.OfType<SelectScalarExpression>().Select(s => new ResultColumn(s.ColumnName?.Value ?? string.Empty, IsIntegerExpression(s.Expression))));
        }

        return new Result(columns, output);
    }

    private static bool IsIntegerExpression(ScalarExpression e) =>
        e is IntegerLiteral || (e is FunctionCall f && f.FunctionName.Value.ToUpperInvariant() is "DB_ID" or "OBJECT_ID" or "DATABASE_PRINCIPAL_ID");

    private IEnumerable<Dictionary<string, object?>> SystemView(NamedTableReference table)
    {
        var schema = table.SchemaObject.SchemaIdentifier?.Value;
        var name = table.SchemaObject.BaseIdentifier.Value;
        if (!string.Equals(schema, "sys", StringComparison.OrdinalIgnoreCase))
        {
            throw new SqlStatementException(SqlErrors.InvalidObject(schema is null ? name : schema + "." + name));
        }

        static Dictionary<string, object?> Row(params (string Name, object? Value)[] values) =>
            values.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase);

        return name.ToLowerInvariant() switch
        {
            "databases" => catalog.Databases.OrderBy(d => d.Id).Select(d => Row(("name", d.Name), ("database_id", d.Id), ("collation_name", d.Collation))).ToList(),
            "symmetric_keys" => current.HasMasterKey ? [Row(("name", "##MS_DatabaseMasterKey##"), ("symmetric_key_id", 101))] : [],
            "database_scoped_credentials" => current.Credentials.Values.Select(c => Row(("name", c.Name), ("credential_id", c.Id), ("credential_identity", c.Identity))).ToList(),
            "external_data_sources" => current.DataSources.Values.Select(d => Row(
                ("name", d.Name),
                ("data_source_id", d.Id),
                ("location", d.Location),
                ("credential_id", d.Credential is { } c && current.Credentials.TryGetValue(c, out var cred) ? cred.Id : null))).ToList(),
            "database_principals" => current.Roles.Values.Select(r => Row(("name", r.Name), ("principal_id", r.Id), ("type", "R"), ("type_desc", "DATABASE_ROLE")))
                .Concat(current.Users.Values.Select(u => Row(("name", u.Name), ("principal_id", u.Id), ("type", u.Type), ("type_desc", u.Type == "X" ? "EXTERNAL_GROUP" : "EXTERNAL_USER"))))
                .ToList(),
            "database_role_members" => current.Roles.Values.SelectMany(r => r.Members.Select(m => Row(("role_principal_id", r.Id), ("member_principal_id", current.Users.GetValueOrDefault(m)?.Id)))).ToList(),
            "database_permissions" => current.Users.Values.SelectMany(u => u.Grants.Prepend("CONNECT").Select(g => Row(("grantee_principal_id", u.Id), ("permission_name", g.Split(' ')[0]), ("state", "G")))).ToList(),
            "external_file_formats" => current.ExternalFileFormats.Values.Select(f => Row(("name", f.Name), ("file_format_id", f.Id), ("format_type", f.FormatType), ("data_compression", f.DataCompression))).ToList(),
            "external_tables" => current.ExternalTables.Values.Select(t => Row(
                ("name", t.Name),
                ("object_id", t.ObjectId),
                ("schema_id", t.Schema.Equals("dbo", StringComparison.OrdinalIgnoreCase) ? 1 : 5),
                ("location", t.Location),
                ("data_source_id", current.DataSources.GetValueOrDefault(t.DataSource)?.Id),
                ("file_format_id", current.ExternalFileFormats.GetValueOrDefault(t.FileFormat)?.Id))).ToList(),
            "views" => current.Views.Values.Select(v => Row(("name", v.Name), ("object_id", v.ObjectId), ("schema_id", v.Schema.Equals("dbo", StringComparison.OrdinalIgnoreCase) ? 1 : 5))).ToList(),
            _ => throw new SqlStatementException(SqlErrors.InvalidObject("sys." + name)),
        };
    }
}

/// <summary>A statement failed with a server error.</summary>
internal sealed class SqlStatementException(SqlError error) : Exception(error.Message)
{
    public SqlError Error { get; } = error;
}

/// <summary>The batch uses something the emulator does not implement; it answers with an error instead of guessing.</summary>
internal sealed class UnsupportedSqlException(string what) : Exception(what)
{
    public SqlError Error => SqlErrors.Unsupported(Message);
}
