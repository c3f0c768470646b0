using System.Globalization;
using AzureEmulator.Tds;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Sql;

/// <summary>
/// Executes SELECT over views and OPENROWSET: TOP, a column list or *, COUNT(*), WHERE with comparisons, AND, OR, NOT
/// and IS NULL, ORDER BY; CAST, CONVERT, TRY_CONVERT, TRY_CAST, SWITCHOFFSET, NULLIF, ISNULL and CASE. Views are kept as
/// their text and expanded here. Rows stream from the files to the result; only ORDER BY holds them.
/// Anything else is refused with an error naming it.
/// </summary>
internal sealed class QueryExecutor(SqlDatabase current, string login, SqlStorageContext? storage)
{
    private const int MaxViewDepth = 32;
    private int _depth;

    /// <summary>The rights of the session's login; reading a view needs no grant when null.</summary>
    public SqlLoginRights? Rights { get; init; }

    /// <summary>Whether the statement reads a view or OPENROWSET (the catalog queries over sys.* stay with CatalogQuery).</summary>
    public static bool Handles(SelectStatement select) =>
        Specification(select.QueryExpression) is { FromClause.TableReferences: [var table] }
        && table is BulkOpenRowset or NamedTableReference { SchemaObject.SchemaIdentifier: null } or NamedTableReference { SchemaObject.SchemaIdentifier.Value: not ("sys" or "SYS" or "Sys") };

    /// <summary>Runs the SELECT and writes its result set and DONE; returns the row count.</summary>
    public long Run(SelectStatement select, TdsTokenWriter tokens)
    {
        var result = Execute(select);
        var writer = new TdsTypedResult(tokens);
        writer.Metadata(result.Columns);
        long count = 0;
        foreach (var row in result.Rows)
        {
            writer.Row(result.Columns, row);
            count++;
        }

        return count;
    }

    /// <summary>The SELECT's columns and its rows, streamed as they are enumerated.</summary>
    public Rowset Execute(SelectStatement select)
    {
        var result = Query(Specification(select.QueryExpression) ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented(select.QueryExpression.GetType().Name)), select.QueryExpression.OrderByClause);
        return result with { Rows = result.Rows.Select(row => Array.ConvertAll(row, PendingCsvValue.Resolve)) };
    }

    private static QuerySpecification? Specification(QueryExpression query) => query switch
    {
        QuerySpecification q => q,
        QueryParenthesisExpression p => Specification(p.QueryExpression),
        _ => null,
    };

    private Rowset Query(QuerySpecification spec, OrderByClause? orderBy)
    {
        if (spec.GroupByClause is not null || spec.HavingClause is not null || spec.UniqueRowFilter == UniqueRowFilter.Distinct || spec.ForClause is not null || spec.OffsetClause is not null)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("GROUP BY, HAVING, DISTINCT, FOR and OFFSET"));
        }

        Rowset source;
        if (spec.FromClause is null)
        {
            // A view of constants (the module's owner marker): one row and no columns to read.
            source = new Rowset([], [[]], null);
        }
        else if (spec.FromClause.TableReferences is [var table])
        {
            source = Source(table);
        }
        else
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("SELECT with more than one table source (joins)"));
        }

        var scope = new Scope(source.Columns, source.Alias);
        var rows = source.Rows;
        if (spec.WhereClause?.SearchCondition is { } where)
        {
            rows = rows.Where(r => Test(where, scope.With(r)) == true);
        }

        var top = Top(spec.TopRowFilter);
        if (spec.SelectElements.Any(e => e is SelectScalarExpression { Expression: FunctionCall f } && (IsCount(f) || IsSum(f))))
        {
            return Aggregate(spec, rows, scope);
        }

        var outputs = Outputs(spec.SelectElements, scope);
        var columns = outputs.Select(o => o.Column).ToList();
        IEnumerable<object?[]> projected;
        if (orderBy is null)
        {
            projected = rows.Select(r => Project(outputs, scope.With(r)));
        }
        else
        {
            projected = Sort(rows, orderBy, outputs, scope);
        }

        return new Rowset(columns, top is { } n ? projected.Take((int)Math.Min(n, int.MaxValue)) : projected, null);
    }

    private Rowset Source(TableReference table)
    {
        switch (table)
        {
            case BulkOpenRowset rowset:
                return new OpenRowsetSource(current, login, storage) { Rights = Rights }.Open(rowset);
            case NamedTableReference named:
                var schema = named.SchemaObject.SchemaIdentifier?.Value ?? "dbo";
                var key = schema + "." + named.SchemaObject.BaseIdentifier.Value;
                if (named.SchemaObject.DatabaseIdentifier is null && current.ExternalTables.ContainsKey(key))
                {
                    throw new SqlStatementException(SqlQueryErrors.NotImplemented($"SELECT from the external table '{key}' (read its files with OPENROWSET)"));
                }

                if (named.SchemaObject.DatabaseIdentifier is not null || !current.Views.TryGetValue(key, out var view) || view.Definition is null)
                {
                    throw new SqlStatementException(SqlErrors.InvalidObject(named.SchemaObject.DatabaseIdentifier is null ? key : named.SchemaObject.DatabaseIdentifier.Value + "." + key));
                }

                if (_depth == 0)
                {
                    DemandSelect(schema, view.Name);
                }

                if (++_depth > MaxViewDepth)
                {
                    throw new SqlStatementException(SqlQueryErrors.NotImplemented("views nested deeper than 32 levels"));
                }

                var select = Parse(view.Definition);
                var inner = Query(Specification(select.QueryExpression)!, select.QueryExpression.OrderByClause);
                return inner with { Alias = named.Alias?.Value ?? named.SchemaObject.BaseIdentifier.Value };
            default:
                throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the table source {table.GetType().Name}"));
        }
    }

    /// <summary>
    /// SELECT on a view needs SELECT on it or its schema unless the login is sysadmin or owns the database (Learn,
    /// serverless "Setup access control": GRANT SELECT ON SCHEMA to the users or roles that query the views).
    /// </summary>
    private void DemandSelect(string schema, string view)
    {
        if (Rights is null || Rights.SysAdmin || string.Equals(current.Owner, login, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var identities = storage?.Identities(login) ?? new HashSet<string>(StringComparer.OrdinalIgnoreCase) { login };
        if (!current.Holds(identities, "SELECT ON SCHEMA::" + schema))
        {
            throw new SqlStatementException(SqlQueryErrors.SelectDenied(view, current.Name, schema));
        }
    }

    private static SelectStatement Parse(string text)
    {
        using var reader = new StringReader(text);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        return errors.Count == 0 && fragment is TSqlScript { Batches: [{ Statements: [SelectStatement select] }] }
            ? select
            : throw new SqlStatementException(SqlQueryErrors.NotImplemented("a view whose definition is not one SELECT"));
    }

    private long? Top(TopRowFilter? top)
    {
        if (top is null)
        {
            return null;
        }

        if (top.Percent || top.WithTies)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("TOP PERCENT and WITH TIES"));
        }

        return Evaluate(top.Expression, Scope.Empty) is { } n ? System.Convert.ToInt64(n, CultureInfo.InvariantCulture) : 0;
    }

    private static bool IsCount(FunctionCall f) => f.FunctionName.Value.ToUpperInvariant() is "COUNT" or "COUNT_BIG";

    private static bool IsSum(FunctionCall f) => f.FunctionName.Value.Equals("SUM", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// One row of aggregates over every row: COUNT(*), COUNT_BIG(*) and SUM of an integer expression (NULL when no
    /// row has a value, as SQL gives it). Streamed: each row is read once and not kept.
    /// </summary>
    private Rowset Aggregate(QuerySpecification spec, IEnumerable<object?[]> rows, Scope scope)
    {
        var columns = new List<SqlColumn>();
        var sums = new List<ScalarExpression?>();
        foreach (var element in spec.SelectElements)
        {
            if (element is SelectScalarExpression { Expression: FunctionCall count } countElement && IsCount(count)
                && count.Parameters is [ColumnReferenceExpression { ColumnType: ColumnType.Wildcard }])
            {
                columns.Add(new SqlColumn(countElement.ColumnName?.Value ?? string.Empty, count.FunctionName.Value.Equals("COUNT", StringComparison.OrdinalIgnoreCase) ? SqlType.Int : SqlType.BigInt));
                sums.Add(null);
            }
            else if (element is SelectScalarExpression { Expression: FunctionCall sum } sumElement && IsSum(sum) && sum.UniqueRowFilter != UniqueRowFilter.Distinct
                && sum.Parameters is [var argument])
            {
                columns.Add(new SqlColumn(sumElement.ColumnName?.Value ?? string.Empty, SqlType.Int));
                sums.Add(argument);
            }
            else
            {
                throw new SqlStatementException(SqlQueryErrors.NotImplemented("aggregates other than COUNT(*), COUNT_BIG(*) and SUM(expression), or mixed with columns"));
            }
        }

        long rowCount = 0;
        var totals = new long?[columns.Count];
        foreach (var row in rows)
        {
            rowCount++;
            var rowScope = scope.With(row);
            for (var i = 0; i < sums.Count; i++)
            {
                if (sums[i] is { } expression && PendingCsvValue.Resolve(Evaluate(expression, rowScope)) is { } value)
                {
                    totals[i] = checked((totals[i] ?? 0) + Convert.ToInt64(value, CultureInfo.InvariantCulture));
                }
            }
        }

        var values = columns.Select((c, i) => sums[i] is null
            ? (c.Type.Kind == SqlTypeKind.Int ? (object)checked((int)rowCount) : rowCount)
            : totals[i] is { } total ? checked((int)total) : null).ToArray();
        return new Rowset(columns, [values], null);
    }

    private sealed record Output(SqlColumn Column, ScalarExpression? Expression, int SourceIndex);

    private List<Output> Outputs(IList<SelectElement> elements, Scope scope)
    {
        var outputs = new List<Output>();
        foreach (var element in elements)
        {
            switch (element)
            {
                case SelectStarExpression:
                    outputs.AddRange(scope.Columns.Select((c, i) => new Output(c, null, i)));
                    break;
                case SelectScalarExpression scalar:
                    var name = scalar.ColumnName?.Value ?? (scalar.Expression as ColumnReferenceExpression)?.MultiPartIdentifier.Identifiers[^1].Value ?? string.Empty;
                    outputs.Add(new Output(new SqlColumn(name, TypeOf(scalar.Expression, scope)), scalar.Expression, -1));
                    break;
                default:
                    throw new SqlStatementException(SqlQueryErrors.NotImplemented(element.GetType().Name));
            }
        }

        return outputs;
    }

    private object?[] Project(List<Output> outputs, Scope scope)
    {
        var values = new object?[outputs.Count];
        for (var i = 0; i < outputs.Count; i++)
        {
            values[i] = outputs[i].Expression is { } e ? Evaluate(e, scope) : scope.Values[outputs[i].SourceIndex];
        }

        return values;
    }

    private IEnumerable<object?[]> Sort(IEnumerable<object?[]> rows, OrderByClause orderBy, List<Output> outputs, Scope scope)
    {
        var keyed = rows.Select(r =>
        {
            var rowScope = scope.With(r);
            var projected = Project(outputs, rowScope);
            var keys = orderBy.OrderByElements.Select(o => SortKey(o.Expression, projected, outputs, rowScope)).ToArray();
            return (Keys: keys, Row: projected);
        }).ToList();
        var directions = orderBy.OrderByElements.Select(o => o.SortOrder == SortOrder.Descending ? -1 : 1).ToArray();
        keyed.Sort((a, b) =>
        {
            for (var i = 0; i < directions.Length; i++)
            {
                var order = Order(a.Keys[i], b.Keys[i]);
                if (order != 0)
                {
                    return order * directions[i];
                }
            }

            return 0;
        });
        return keyed.Select(k => k.Row);
    }

    private object? SortKey(ScalarExpression expression, object?[] projected, List<Output> outputs, Scope scope)
    {
        if (expression is IntegerLiteral ordinal)
        {
            return PendingCsvValue.Resolve(projected[int.Parse(ordinal.Value, CultureInfo.InvariantCulture) - 1]);
        }

        if (expression is ColumnReferenceExpression { MultiPartIdentifier.Identifiers: [var only] })
        {
            var index = outputs.FindIndex(o => string.Equals(o.Column.Name, only.Value, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return PendingCsvValue.Resolve(projected[index]);
            }
        }

        return Evaluate(expression, scope);
    }

    /// <summary>SQL ordering: NULL first; numbers, dates and text (ordinal, as the BIN2 collations compare) by value.</summary>
    private static int Order(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (string x, string y) => string.CompareOrdinal(x, y),
        (DateTimeOffset x, DateTimeOffset y) => x.UtcDateTime.CompareTo(y.UtcDateTime),
        (bool x, bool y) => x.CompareTo(y),
        (DateTime x, DateTime y) => x.CompareTo(y),
        (TimeSpan x, TimeSpan y) => x.CompareTo(y),
        (Guid x, Guid y) => x.CompareTo(y),
        (double or float, _) or (_, double or float) => System.Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(System.Convert.ToDouble(b, CultureInfo.InvariantCulture)),
        _ => System.Convert.ToDecimal(a, CultureInfo.InvariantCulture).CompareTo(System.Convert.ToDecimal(b, CultureInfo.InvariantCulture)),
    };

    private bool? Test(BooleanExpression expression, Scope scope) => expression switch
    {
        BooleanParenthesisExpression p => Test(p.Expression, scope),
        BooleanNotExpression n => Test(n.Expression, scope) is { } v ? !v : null,
        BooleanBinaryExpression { BinaryExpressionType: BooleanBinaryExpressionType.And } b =>
            Test(b.FirstExpression, scope) is var l && l == false ? false : Test(b.SecondExpression, scope) is var r && r == false ? false : l is null || r is null ? null : true,
        BooleanBinaryExpression b =>
            Test(b.FirstExpression, scope) is var l2 && l2 == true ? true : Test(b.SecondExpression, scope) is var r2 && r2 == true ? true : l2 is null || r2 is null ? null : false,
        BooleanIsNullExpression isNull => (Evaluate(isNull.Expression, scope) is null) != isNull.IsNot,
        BooleanComparisonExpression c => Compare(c, scope),
        _ => throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the predicate {expression.GetType().Name}")),
    };

    private bool? Compare(BooleanComparisonExpression comparison, Scope scope)
    {
        var left = Evaluate(comparison.FirstExpression, scope);
        var right = Evaluate(comparison.SecondExpression, scope);
        if (left is null || right is null)
        {
            return null;
        }

        // Data type precedence: a string compared with another type is converted to that type.
        if (left is string && right is not string)
        {
            left = SqlConversions.Convert(left, TypeOfValue(right), null, tryOnly: false);
        }
        else if (right is string && left is not string)
        {
            right = SqlConversions.Convert(right, TypeOfValue(left), null, tryOnly: false);
        }

        return CatalogQuery.Holds(comparison.ComparisonType, Order(left, right));
    }

    private static SqlType TypeOfValue(object value) => value switch
    {
        bool => SqlType.Bit,
        byte => new SqlType(SqlTypeKind.TinyInt),
        short => new SqlType(SqlTypeKind.SmallInt),
        int => SqlType.Int,
        long => SqlType.BigInt,
        float => new SqlType(SqlTypeKind.Real),
        double => new SqlType(SqlTypeKind.Float),
        decimal => new SqlType(SqlTypeKind.Decimal, Precision: 38, Scale: 10),
        DateTime => new SqlType(SqlTypeKind.DateTime2, Scale: 7),
        DateTimeOffset => SqlType.DateTimeOffset7,
        TimeSpan => new SqlType(SqlTypeKind.Time, Scale: 7),
        Guid => new SqlType(SqlTypeKind.UniqueIdentifier),
        _ => SqlType.VarcharOf(8000),
    };

    private SqlType TypeOf(ScalarExpression expression, Scope scope)
    {
        switch (expression)
        {
            case ColumnReferenceExpression column:
                return scope.Columns[scope.IndexOf(column)].Type;
            case CastCall cast:
                return SqlType.From(cast.DataType);
            case ConvertCall convert:
                return SqlType.From(convert.DataType);
            case TryConvertCall tryConvert:
                return SqlType.From(tryConvert.DataType);
            case TryCastCall tryCast:
                return SqlType.From(tryCast.DataType);
            case StringLiteral s:
                return new SqlType(s.IsNational ? SqlTypeKind.NVarchar : SqlTypeKind.Varchar, Math.Max(s.Value.Length, 1));
            case IntegerLiteral or NullLiteral:
                return SqlType.Int;
            case NumericLiteral n:
                var digits = n.Value.Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('-', '+').Length;
                var scale = n.Value.Contains('.', StringComparison.Ordinal) ? n.Value.Length - n.Value.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
                return new SqlType(SqlTypeKind.Decimal, Precision: (byte)Math.Max(digits, 1), Scale: (byte)scale);
            case ParenthesisExpression p:
                return TypeOf(p.Expression, scope);
            case NullIfExpression nullIf:
                return TypeOf(nullIf.FirstExpression, scope);
            case SearchedCaseExpression searched:
                return CaseType(searched.WhenClauses.Select(w => w.ThenExpression).Append(searched.ElseExpression), scope);
            case SimpleCaseExpression simple:
                return CaseType(simple.WhenClauses.Select(w => w.ThenExpression).Append(simple.ElseExpression), scope);
            case FunctionCall f:
                return f.FunctionName.Value.ToUpperInvariant() switch
                {
                    "SWITCHOFFSET" => SqlType.DateTimeOffset7,
                    "FILEPATH" or "FILENAME" when f.CallTarget is not null => new SqlType(SqlTypeKind.NVarchar, 1024),
                    "ISNULL" => TypeOf(f.Parameters[0], scope),
                    _ => throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the function {f.FunctionName.Value}")),
                };
            default:
                throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the expression {expression.GetType().Name}"));
        }
    }

    /// <summary>CASE's type: the branches must agree (NULL aside); the emulator does not implement type precedence across them.</summary>
    private SqlType CaseType(IEnumerable<ScalarExpression?> branches, Scope scope)
    {
        var types = branches.Where(b => b is not null and not NullLiteral).Select(b => TypeOf(b!, scope)).ToList();
        if (types.Count == 0)
        {
            return SqlType.Int;
        }

        if (types.Any(t => t.Kind != types[0].Kind))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("CASE branches of different types"));
        }

        return types.MaxBy(t => t.Length == SqlType.Max ? int.MaxValue : t.Length)!;
    }

    private object? Evaluate(ScalarExpression expression, Scope scope)
    {
        switch (expression)
        {
            case NullLiteral:
                return null;
            case IntegerLiteral i:
                return int.Parse(i.Value, CultureInfo.InvariantCulture);
            case NumericLiteral n:
                return decimal.Parse(n.Value, CultureInfo.InvariantCulture);
            case StringLiteral s:
                return s.Value;
            case UnaryExpression { UnaryExpressionType: UnaryExpressionType.Negative, Expression: IntegerLiteral or NumericLiteral } negative:
                return Evaluate(negative.Expression, scope) switch
                {
                    int v => -v,
                    decimal d => -d,
                    _ => null,
                };
            case ParenthesisExpression p:
                return Evaluate(p.Expression, scope);
            case ColumnReferenceExpression column:
                return PendingCsvValue.Resolve(scope.Values[scope.IndexOf(column)]);
            case CastCall cast:
                return SqlConversions.Convert(Evaluate(cast.Parameter, scope), SqlType.From(cast.DataType), null, tryOnly: false);
            case TryCastCall tryCast:
                return SqlConversions.Convert(Evaluate(tryCast.Parameter, scope), SqlType.From(tryCast.DataType), null, tryOnly: true);
            case ConvertCall convert:
                return SqlConversions.Convert(Evaluate(convert.Parameter, scope), SqlType.From(convert.DataType), Style(convert.Style, scope), tryOnly: false);
            case TryConvertCall tryConvert:
                return SqlConversions.Convert(Evaluate(tryConvert.Parameter, scope), SqlType.From(tryConvert.DataType), Style(tryConvert.Style, scope), tryOnly: true);
            case NullIfExpression nullIf:
                var first = Evaluate(nullIf.FirstExpression, scope);
                var second = Evaluate(nullIf.SecondExpression, scope);
                return first is not null && second is not null && Order(first, second is string && first is not string ? SqlConversions.Convert(second, TypeOfValue(first), null, false) : second) == 0 ? null : first;
            case SearchedCaseExpression searched:
                foreach (var when in searched.WhenClauses)
                {
                    if (Test(when.WhenExpression, scope) == true)
                    {
                        return Evaluate(when.ThenExpression, scope);
                    }
                }

                return searched.ElseExpression is { } otherwise ? Evaluate(otherwise, scope) : null;
            case SimpleCaseExpression simple:
                var input = Evaluate(simple.InputExpression, scope);
                foreach (var when in simple.WhenClauses)
                {
                    if (input is not null && Evaluate(when.WhenExpression, scope) is { } candidate && Order(input, candidate) == 0)
                    {
                        return Evaluate(when.ThenExpression, scope);
                    }
                }

                return simple.ElseExpression is { } fallback ? Evaluate(fallback, scope) : null;
            case FunctionCall f:
                return Call(f, scope);
            default:
                throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the expression {expression.GetType().Name}"));
        }
    }

    private int? Style(ScalarExpression? style, Scope scope) => style is null ? null : System.Convert.ToInt32(Evaluate(style, scope), CultureInfo.InvariantCulture);

    private object? Call(FunctionCall call, Scope scope)
    {
        var args = call.Parameters.Select(p => Evaluate(p, scope)).ToArray();
        switch (call.FunctionName.Value.ToUpperInvariant())
        {
            case "FILEPATH" when call.CallTarget is not null:
                // develop-openrowset: without an argument the file's path (relative to the DATA_SOURCE); with n, the part the n-th wildcard matched.
                var file = scope.File(call);
                return args switch
                {
                    [] => file.FilePath ?? file.Url,
                    [int n] => n >= 1 && n <= (file.Wildcards?.Count ?? 0) ? file.Wildcards![n - 1] : null,
                    _ => throw new SqlStatementException(SqlQueryErrors.NotImplemented("filepath() with an argument other than an integer")),
                };
            case "FILENAME" when call.CallTarget is not null && args.Length == 0:
                return Path.GetFileName(scope.File(call).Name);
            case "ISNULL":
                return args[0] ?? args[1];
            case "SWITCHOFFSET":
                // SWITCHOFFSET(DATETIMEOFFSET, time_zone): time_zone is '[+|-]TZH:TZM' or a signed integer of minutes.
                if (args[0] is null)
                {
                    return null;
                }

                var value = args[0] as DateTimeOffset? ?? (DateTimeOffset)SqlConversions.Convert(args[0], SqlType.DateTimeOffset7, null, tryOnly: false)!;
                var offset = args[1] switch
                {
                    int minutes => TimeSpan.FromMinutes(minutes),
                    string zone when zone.Length == 6 && zone[0] is '+' or '-' => TimeSpan.Parse(zone[1..], CultureInfo.InvariantCulture) * (zone[0] == '-' ? -1 : 1),
                    _ => throw new SqlStatementException(new SqlError(9810, 1, 16, "The timezone provided to builtin function switchoffset is invalid.")),
                };
                return value.ToOffset(offset);
            default:
                throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the function {call.FunctionName.Value}"));
        }
    }

    /// <summary>The columns a row has, the row's values, and the alias that qualifies them.</summary>
    private sealed class Scope(IReadOnlyList<SqlColumn> columns, string? alias, object?[] values)
    {
        public static readonly Scope Empty = new([], null, []);

        public Scope(IReadOnlyList<SqlColumn> columns, string? alias)
            : this(columns, alias, [])
        {
        }

        public IReadOnlyList<SqlColumn> Columns { get; } = columns;

        public object?[] Values { get; } = values;

        public Scope With(object?[] row) => new(Columns, alias, row);

        /// <summary>The file the row came from, for alias.filepath() and alias.filename() directly over OPENROWSET.</summary>
        public SqlFile File(FunctionCall call)
        {
            if (call.CallTarget is MultiPartIdentifierCallTarget { MultiPartIdentifier.Identifiers: [var target] } && !string.Equals(target.Value, alias, StringComparison.OrdinalIgnoreCase))
            {
                throw new SqlStatementException(new SqlError(4104, 1, 16, $"The multi-part identifier \"{target.Value}\" could not be bound."));
            }

            return Values.Length > Columns.Count && Values[Columns.Count] is SqlFile file
                ? file
                : throw new SqlStatementException(SqlQueryErrors.NotImplemented($"{call.FunctionName.Value}() other than over OPENROWSET"));
        }

        public int IndexOf(ColumnReferenceExpression column)
        {
            var ids = column.MultiPartIdentifier?.Identifiers ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented("'*' here"));
            var name = ids[^1].Value;
            if (ids.Count > 1 && !string.Equals(ids[^2].Value, alias, StringComparison.OrdinalIgnoreCase))
            {
                throw new SqlStatementException(new SqlError(4104, 1, 16, $"The multi-part identifier \"{string.Join('.', ids.Select(i => i.Value))}\" could not be bound."));
            }

            for (var i = 0; i < Columns.Count; i++)
            {
                if (string.Equals(Columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new SqlStatementException(SqlQueryErrors.InvalidColumn(name));
        }
    }
}
