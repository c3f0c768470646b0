using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Tds;

/// <summary>What a batch produced: the tokens to send, the database afterwards, and its first error number.</summary>
internal sealed record BatchOutcome(byte[] Tokens, string Database, int? ErrorNumber, string RecordedText);

/// <summary>
/// Runs one SQL batch against the catalog: parses it with ScriptDom (T-SQL 16.0), evaluates IF conditions,
/// applies CREATE/ALTER/DROP of databases, master keys, credentials, data sources and views, answers SELECTs,
/// and stops at the first error as a batch-aborting error would.
/// </summary>
internal sealed class SqlBatchInterpreter(SqlCatalog catalog, Sql.SqlStorageContext? storage = null)
{
    private const ushort SelectCommand = 0xC1;

    /// <summary>The rights of the session's login; every statement is allowed when null.</summary>
    public SqlLoginRights? Rights { get; set; }

    public BatchOutcome Run(string text, string database, string login)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        TSqlFragment fragment;
        IList<ParseError> errors;
        using (var reader = new StringReader(text))
        {
            fragment = parser.Parse(reader, out errors);
        }

        var recorded = Mask(text, fragment);
        var tokens = new TdsTokenWriter();
        return catalog.Write(view =>
        {
            var current = database;
            int? errorNumber = null;
            if (errors.Count > 0)
            {
                var error = SqlErrors.Syntax(errors[0].Message, errors[0].Line);
                tokens.Error(error);
                errorNumber = error.Number;
            }
            else
            {
                var session = new Session(view, current, tokens, login, storage) { Rights = Rights };
                try
                {
                    foreach (var batch in ((TSqlScript)fragment).Batches)
                    {
                        foreach (var statement in batch.Statements)
                        {
                            session.Execute(statement);
                        }
                    }
                }
                catch (SqlStatementException ex)
                {
                    tokens.Error(ex.Error);
                    errorNumber = ex.Error.Number;
                }
                catch (UnsupportedSqlException ex)
                {
                    tokens.Error(ex.Error);
                    errorNumber = ex.Error.Number;
                }

                current = session.Database;
            }

            tokens.Done(errorNumber is null ? TdsProtocol.DoneFinal : TdsProtocol.DoneError);
            view.Record(database, login, recorded, errorNumber is null ? "ok" : "error", errorNumber);
            return new BatchOutcome(tokens.ToArray(), current, errorNumber, recorded);
        });
    }

    /// <summary>The batch text with secrets masked (see <see cref="Mask(string, TSqlFragment)"/>).</summary>
    internal static string Mask(string text)
    {
        using var reader = new StringReader(text);
        return Mask(text, new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out _));
    }

    /// <summary>The batch text with master key passwords and credential secrets replaced by asterisks.</summary>
    internal static string Mask(string text, TSqlFragment fragment)
    {
        var secrets = new SecretFinder();
        fragment.Accept(secrets);
        var builder = new StringBuilder(text);
        foreach (var literal in secrets.Literals.OrderByDescending(l => l.StartOffset))
        {
            if (literal.StartOffset >= 0 && literal.StartOffset + literal.FragmentLength <= builder.Length)
            {
                builder.Remove(literal.StartOffset, literal.FragmentLength).Insert(literal.StartOffset, "'********'");
            }
        }

        return builder.ToString();
    }

    private sealed class SecretFinder : TSqlFragmentVisitor
    {
        public List<TSqlFragment> Literals { get; } = [];

        public override void Visit(CreateMasterKeyStatement node)
        {
            if (node.Password is not null)
            {
                Literals.Add(node.Password);
            }
        }

        public override void Visit(CredentialStatement node)
        {
            if (node.Secret is not null)
            {
                Literals.Add(node.Secret);
            }
        }
    }

    /// <summary>The statements of one batch, run in order against the catalog in one database context.</summary>
    private sealed class Session(SqlCatalog.CatalogView catalog, string database, TdsTokenWriter tokens, string login, Sql.SqlStorageContext? storage)
    {
        public string Database { get; private set; } = database;

        public SqlLoginRights? Rights { get; init; }

        private SqlDatabase Current => catalog.Database(Database) ?? throw new SqlStatementException(SqlErrors.DatabaseMissing(Database));

        private ExternalTableStatements External => new(catalog, Current, login, storage, Rights);

        public void Execute(TSqlStatement statement)
        {
            SqlPermissions.Demand(statement, Rights, catalog.Database(Database));
            if (statement is not (IfStatement or BeginEndBlockStatement or UseStatement or SelectStatement or CreateDatabaseStatement or DropDatabaseStatement)
                && catalog.Database(Database) is { IsReplicated: true })
            {
                throw new SqlStatementException(SqlErrors.ReplicatedDatabase(ReplicatedOperation(statement)));
            }

            switch (statement)
            {
                case IfStatement ifStatement:
                    var branch = new CatalogQuery(catalog, Current).Test(ifStatement.Predicate) == true ? ifStatement.ThenStatement : ifStatement.ElseStatement;
                    if (branch is not null)
                    {
                        Execute(branch);
                    }

                    break;
                case BeginEndBlockStatement block:
                    foreach (var inner in block.StatementList.Statements)
                    {
                        Execute(inner);
                    }

                    break;
                case UseStatement use:
                    var target = catalog.Database(use.DatabaseName.Value) ?? throw new SqlStatementException(SqlErrors.DatabaseMissing(use.DatabaseName.Value));
                    if (!string.Equals(target.Name, Database, StringComparison.Ordinal))
                    {
                        tokens.EnvChange(1, target.Name, Database).Info(SqlErrors.ChangedDatabase(target.Name));
                        Database = target.Name;
                    }

                    break;
                case CreateDatabaseStatement create:
                    var name = create.DatabaseName.Value;
                    if (catalog.Database(name) is not null)
                    {
                        throw new SqlStatementException(SqlErrors.DatabaseExists(name));
                    }

                    catalog.AddDatabase(name, create.Collation?.Value).Owner = Rights?.Login;
                    break;
                case DropDatabaseStatement drop:
                    foreach (var db in drop.Databases)
                    {
                        if (!catalog.RemoveDatabase(db.Value) && !drop.IsIfExists)
                        {
                            throw new SqlStatementException(SqlErrors.CannotDrop("database", db.Value));
                        }
                    }

                    break;
                case CreateMasterKeyStatement:
                    if (Current.HasMasterKey)
                    {
                        throw new SqlStatementException(SqlErrors.MasterKeyExists());
                    }

                    Current.HasMasterKey = true;
                    break;
                case CreateCredentialStatement { IsDatabaseScoped: true } credential:
                    var credentialName = credential.Name.Value;
                    if (Current.Credentials.ContainsKey(credentialName))
                    {
                        throw new SqlStatementException(new SqlError(15530, 1, 16, $"The credential with name \"{credentialName}\" already exists."));
                    }

                    Current.Credentials[credentialName] = new SqlCredential(catalog.NextObjectId(), credentialName, (credential.Identity as StringLiteral)?.Value ?? credential.Identity?.ToString() ?? string.Empty);
                    break;
                case CreateRoleStatement createRole:
                    if (Current.Roles.ContainsKey(createRole.Name.Value))
                    {
                        throw new SqlStatementException(new SqlError(15023, 1, 16, $"User, group, or role '{createRole.Name.Value}' already exists in the current database."));
                    }

                    Current.Roles[createRole.Name.Value] = new SqlRole(catalog.NextObjectId(), createRole.Name.Value);
                    break;
                case CreateUserStatement createUser:
                    CreateUser(createUser);
                    break;
                case AlterRoleStatement { Action: AddMemberAlterRoleAction add } alterRole:
                    AddMember(alterRole.Name.Value, add.Member.Value);
                    break;
                case AlterRoleStatement { Action: DropMemberAlterRoleAction remove } alterRole:
                    DropMember(alterRole.Name.Value, remove.Member.Value);
                    break;
                case DropUserStatement dropUser:
                    DropUser(dropUser);
                    break;
                case GrantStatement grant:
                    Grant(grant);
                    break;
                case ExecuteStatement execute:
                    ExecuteGrantOnCredential(execute);
                    break;
                case CreateExternalDataSourceStatement dataSource:
                    CreateDataSource(dataSource);
                    break;
                case DropExternalDataSourceStatement dropDataSource:
                    if (!Current.DataSources.Remove(dropDataSource.Name.Value) && !dropDataSource.IsIfExists)
                    {
                        throw new SqlStatementException(SqlErrors.CannotDrop("external data source", dropDataSource.Name.Value));
                    }

                    break;
                case CreateSchemaStatement schema:
                    if (!Current.Schemas.Add(schema.Name.Value))
                    {
                        throw new SqlStatementException(SqlErrors.ObjectExists(schema.Name.Value));
                    }

                    break;
                case CreateOrAlterViewStatement or CreateViewStatement or AlterViewStatement:
                    SaveView((ViewStatementBody)statement);
                    break;
                case DropViewStatement dropView:
                    foreach (var obj in dropView.Objects)
                    {
                        if (!Current.Views.Remove(ViewKey(obj)) && !dropView.IsIfExists)
                        {
                            throw new SqlStatementException(SqlErrors.CannotDrop("view", obj.BaseIdentifier.Value));
                        }
                    }

                    break;
                case CreateExternalFileFormatStatement fileFormat:
                    External.CreateFileFormat(fileFormat);
                    break;
                case DropExternalFileFormatStatement dropFileFormat:
                    External.DropFileFormat(dropFileFormat);
                    break;
                case CreateExternalTableStatement externalTable:
                    var written = External.CreateAsSelect(externalTable);
                    tokens.Done((ushort)(TdsProtocol.DoneMore | TdsProtocol.DoneCount), 0, written);
                    break;
                case DropExternalTableStatement dropExternalTable:
                    External.DropTable(dropExternalTable);
                    break;
                case SelectStatement probe when SqlPermissions.TryAnswer(probe, Rights) is { } answer:
                    tokens.ResultSet(answer.Columns, answer.Rows).Done((ushort)(TdsProtocol.DoneMore | TdsProtocol.DoneCount), SelectCommand, answer.Rows.Count);
                    break;
                case SelectStatement select when Sql.QueryExecutor.Handles(select):
                    var count = new Sql.QueryExecutor(Current, login, storage) { Rights = Rights }.Run(select, tokens);
                    tokens.Done((ushort)(TdsProtocol.DoneMore | TdsProtocol.DoneCount), SelectCommand, count);
                    break;
                case SelectStatement select:
                    var result = new CatalogQuery(catalog, Current).Run(select.QueryExpression);
                    tokens.ResultSet(result.Columns, result.Rows).Done((ushort)(TdsProtocol.DoneMore | TdsProtocol.DoneCount), SelectCommand, result.Rows.Count);
                    break;
                default:
                    throw new UnsupportedSqlException(statement.GetType().Name);
            }
        }

        /// <summary>
        /// CREATE USER [name] FROM EXTERNAL PROVIDER: a Microsoft Entra user by UPN, or a group or service principal by
        /// display name (Learn, "CREATE USER", Microsoft Entra principals); the user maps to that object id.
        /// </summary>
        private void CreateUser(CreateUserStatement statement)
        {
            var name = statement.Name.Value;
            if (statement.UserLoginOption is not { UserLoginOptionType: UserLoginOptionType.External } || statement.UserOptions.Count > 0)
            {
                throw new UnsupportedSqlException("CREATE USER other than FROM EXTERNAL PROVIDER");
            }

            if (Current.Users.ContainsKey(name) || Current.Roles.ContainsKey(name))
            {
                throw new SqlStatementException(new SqlError(15023, 1, 16, $"User, group, or role '{name}' already exists in the current database."));
            }

            var principal = storage?.FindPrincipal(name)
                ?? throw new SqlStatementException(new SqlError(33130, 1, 16, $"Principal '{name}' could not be found or this principal type is not supported."));
            Current.Users[name] = new SqlUser(catalog.NextObjectId(), name, principal.ObjectId, principal.IsGroup ? "X" : "E");
        }

        /// <summary>ALTER ROLE [role] DROP MEMBER [user]: a member of a role of the database leaves it.</summary>
        private void DropMember(string role, string member)
        {
            var target = Current.Roles.GetValueOrDefault(role)
                ?? throw new SqlStatementException(new SqlError(15151, 1, 16, $"Cannot alter the role '{role}', because it does not exist or you do not have permission."));
            if (!Current.Users.ContainsKey(member))
            {
                throw new SqlStatementException(new SqlError(15151, 1, 16, $"Cannot drop the principal '{member}', because it does not exist or you do not have permission."));
            }

            target.Members.Remove(member);
        }

        /// <summary>DROP USER [name]: the user leaves the database; its role memberships go with it.</summary>
        private void DropUser(DropUserStatement statement)
        {
            var name = statement.Name.Value;
            if (!Current.Users.Remove(name))
            {
                if (statement.IsIfExists)
                {
                    return;
                }

                throw new SqlStatementException(new SqlError(15151, 1, 16, $"Cannot drop the user '{name}', because it does not exist or you do not have permission."));
            }

            foreach (var role in Current.Roles.Values)
            {
                role.Members.Remove(name);
            }
        }

        /// <summary>ALTER ROLE [role] ADD MEMBER [user]: a user of the database joins a role of the database.</summary>
        private void AddMember(string role, string member)
        {
            var target = Current.Roles.GetValueOrDefault(role)
                ?? throw new SqlStatementException(new SqlError(15151, 1, 16, $"Cannot alter the role '{role}', because it does not exist or you do not have permission."));
            if (!Current.Users.ContainsKey(member))
            {
                throw new SqlStatementException(new SqlError(15151, 1, 16, $"Cannot add the principal '{member}', because it does not exist or you do not have permission."));
            }

            target.Members.Add(member);
        }

        /// <summary>GRANT on a schema to roles or users of the database (the only GRANT the module sends in a plain statement).</summary>
        private void Grant(GrantStatement grant)
        {
            var target = grant.SecurityTargetObject;
            if (target is null || target.ObjectKind != SecurityObjectKind.Schema)
            {
                throw new UnsupportedSqlException("GRANT on " + (target?.ObjectKind.ToString() ?? "the database"));
            }

            var schema = target.ObjectName.MultiPartIdentifier.Identifiers[^1].Value;
            foreach (var permission in grant.Permissions)
            {
                var name = string.Join(' ', permission.Identifiers.Select(i => i.Value.ToUpperInvariant()));
                foreach (var principal in grant.Principals)
                {
                    GrantsOf(principal.Identifier.Value).Add($"{name} ON SCHEMA::{schema}");
                }
            }
        }

        /// <summary>
        /// EXEC of one literal holding GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[c] TO [r], the documented
        /// statement ScriptDom cannot parse (the module sends it this way); anything else through EXEC is unsupported.
        /// </summary>
        private void ExecuteGrantOnCredential(ExecuteStatement execute)
        {
            var text = execute.ExecuteSpecification?.ExecutableEntity is ExecutableStringList { Strings: [StringLiteral literal] } ? literal.Value : null;
            var match = text is null ? null : System.Text.RegularExpressions.Regex.Match(text, @"^GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::\[((?:[^\]]|\]\])+)\] TO \[((?:[^\]]|\]\])+)\];$");
            if (match is not { Success: true })
            {
                throw new UnsupportedSqlException("EXEC");
            }

            var credential = match.Groups[1].Value.Replace("]]", "]", StringComparison.Ordinal);
            if (!Current.Credentials.ContainsKey(credential))
            {
                throw new SqlStatementException(SqlErrors.CannotFind("credential", credential));
            }

            GrantsOf(match.Groups[2].Value.Replace("]]", "]", StringComparison.Ordinal)).Add("REFERENCES ON DATABASE SCOPED CREDENTIAL::" + credential);
        }

        private SortedSet<string> GrantsOf(string principal) =>
            Current.Roles.GetValueOrDefault(principal)?.Grants
            ?? Current.Users.GetValueOrDefault(principal)?.Grants
            ?? throw new SqlStatementException(SqlErrors.CannotFind("user", principal));

        private void CreateDataSource(CreateExternalDataSourceStatement statement)
        {
            var name = statement.Name.Value;
            if (Current.DataSources.ContainsKey(name))
            {
                throw new SqlStatementException(SqlErrors.ObjectExists(name));
            }

            string? credential = null;
            foreach (var option in statement.ExternalDataSourceOptions.OfType<ExternalDataSourceLiteralOrIdentifierOption>())
            {
                if (option.OptionKind == ExternalDataSourceOptionKind.Credential)
                {
                    credential = option.Value.Identifier?.Value ?? (option.Value.ValueExpression as StringLiteral)?.Value;
                }
            }

            if (credential is not null && !Current.Credentials.ContainsKey(credential))
            {
                throw new SqlStatementException(SqlErrors.CannotFind("credential", credential));
            }

            var location = (statement.Location as StringLiteral)?.Value ?? string.Empty;
            Current.DataSources[name] = new SqlDataSource(catalog.NextObjectId(), name, location, credential);
        }

        private void SaveView(ViewStatementBody view)
        {
            var key = ViewKey(view.SchemaObjectName);
            if (view.SchemaObjectName.SchemaIdentifier?.Value is { } schema && !Current.Schemas.Contains(schema))
            {
                throw new SqlStatementException(SqlErrors.SchemaMissing(schema));
            }

            var exists = Current.Views.TryGetValue(key, out var existing);
            if (view is CreateViewStatement && exists)
            {
                throw new SqlStatementException(SqlErrors.ObjectExists(key));
            }

            if (view is AlterViewStatement && !exists)
            {
                throw new SqlStatementException(SqlErrors.InvalidObject(key));
            }

            var query = view.SelectStatement.QueryExpression as QuerySpecification;
            var rowset = query?.FromClause?.TableReferences.FirstOrDefault() as BulkOpenRowset;
            if (rowset is not null && rowset.Options.OfType<LiteralBulkInsertOption>()
                    .FirstOrDefault(o => o.OptionKind == BulkInsertOptionKind.DataSource)?.Value is StringLiteral { Value: var source }
                && !Current.DataSources.ContainsKey(source))
            {
                throw new SqlStatementException(new SqlError(16202, 1, 16, $"Keyword or statement option 'DATA_SOURCE' refers to the external data source '{source}' that does not exist."));
            }

            var columns = rowset?.WithColumns.Select(c => new SqlViewColumn(c.ColumnIdentifier.Value, TypeName(c.DataType))).ToList()
                ?? query?.SelectElements.OfType<SelectScalarExpression>().Select(s => new SqlViewColumn(s.ColumnName?.Value ?? string.Empty, "sql_variant")).ToList()
                ?? [];
            var options = rowset?.Options.OfType<LiteralBulkInsertOption>().ToDictionary(o => o.OptionKind, o => (o.Value as StringLiteral)?.Value) ?? [];
            Current.Views[key] = new SqlView(
                existing?.ObjectId ?? catalog.NextObjectId(),
                view.SchemaObjectName.SchemaIdentifier?.Value ?? "dbo",
                view.SchemaObjectName.BaseIdentifier.Value,
                columns,
                rowset?.DataFiles.OfType<StringLiteral>().FirstOrDefault()?.Value,
                options.GetValueOrDefault(BulkInsertOptionKind.DataSource),
                options.FirstOrDefault(o => o.Key.ToString().Equals("Format", StringComparison.OrdinalIgnoreCase) || o.Key.ToString().Equals("FormatFile", StringComparison.Ordinal)).Value,
                Script(view.SelectStatement));
        }

        private static string Script(TSqlFragment fragment)
        {
            new Sql160ScriptGenerator().GenerateScript(fragment, out var script);
            return script;
        }

        private static string ReplicatedOperation(TSqlStatement statement) => statement switch
        {
            CreateOrAlterViewStatement or CreateViewStatement or AlterViewStatement => "CREATE/ALTER VIEW",
            CreateExternalDataSourceStatement => "CREATE EXTERNAL DATA SOURCE",
            CreateCredentialStatement => "CREATE DATABASE SCOPED CREDENTIAL",
            CreateMasterKeyStatement => "CREATE MASTER KEY",
            CreateExternalTableStatement => "CREATE EXTERNAL TABLE",
            CreateExternalFileFormatStatement => "CREATE EXTERNAL FILE FORMAT",
            _ => statement.GetType().Name.Replace("Statement", string.Empty, StringComparison.Ordinal).ToUpperInvariant(),
        };

        private static string ViewKey(SchemaObjectName name) => (name.SchemaIdentifier?.Value ?? "dbo") + "." + name.BaseIdentifier.Value;

        private static string TypeName(DataTypeReference type)
        {
            var generator = new Sql160ScriptGenerator(new SqlScriptGeneratorOptions { KeywordCasing = KeywordCasing.Lowercase });
            generator.GenerateScript(type, out var script);
            return script.Replace("[", string.Empty, StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        }
    }
}
