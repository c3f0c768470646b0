using System.Globalization;
using Azure.Core;
using Azure.Identity;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using Microsoft.Data.SqlClient;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// Runs a <see cref="SqlScript"/> against a serverless SQL endpoint, one batch at a time: master batches on a
/// connection to master, database batches on a connection opened in the export's database. Authenticates
/// with an Entra access token for the SQL audience (never a password), encrypts and validates the server
/// certificate, and retries transient errors with SqlClient's retry logic (every generated batch is idempotent).
/// </summary>
public sealed class SqlScriptExecutor
{
    private const string ActivityName = "Synapse serverless SQL";
    private const int ProgressActivityId = ProgressIds.SqlScript;

    private static readonly int[] PermissionErrorNumbers = [229, 230, 262, 297, 300, 15151, 15247, 13807];

    private readonly TokenCredential _credential;
    private readonly string _scope;
    private readonly SqlExecutorOptions _options;
    private readonly SqlRetryLogicBaseProvider _retry;
    private Exception? _tokenFailure;

    /// <param name="endpoint">The workspace's serverless SQL endpoint.</param>
    /// <param name="credential">The module's credential; asked for a token for <paramref name="sqlAudience"/> only.</param>
    /// <param name="sqlAudience">The SQL token audience of the cloud (<see cref="CloudEnvironment.SqlAudience"/>).</param>
    /// <param name="options">Timeouts and retries; <see cref="SqlExecutorOptions.Default"/> when null.</param>
    public SqlScriptExecutor(SqlEndpoint endpoint, TokenCredential credential, string sqlAudience, SqlExecutorOptions? options = null)
    {
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        ArgumentException.ThrowIfNullOrWhiteSpace(sqlAudience);
        _scope = CloudEnvironment.ScopeFor(sqlAudience);
        _options = options ?? SqlExecutorOptions.Default;
        _retry = SqlConfigurableRetryFactory.CreateExponentialRetryProvider(new SqlRetryLogicOption
        {
            NumberOfTries = Math.Max(1, _options.MaxAttempts),
            DeltaTime = _options.RetryDelay,
            MaxTimeInterval = _options.MaxRetryDelay,
            TransientErrors = SqlExecutorOptions.TransientErrorNumbers,
        });
    }

    public SqlEndpoint Endpoint { get; }

    /// <summary>Runs every batch of <paramref name="script"/> in order; stops at the first failure, naming the batch.</summary>
    /// <param name="script">The validated script.</param>
    /// <param name="context">Progress, log and cancellation.</param>
    /// <param name="beforeEachBatch">Awaited immediately before each batch is sent; throwing stops the script there.</param>
    public async Task ExecuteAsync(SqlScript script, OperationContext context, Func<CancellationToken, Task>? beforeEachBatch = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        SqlConnection? connection = null;
        SqlBatchTarget? connectedTo = null;
        try
        {
            for (var i = 0; i < script.Batches.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = script.Batches[i];
                context.Progress.Report(new OperationProgress(
                    ProgressActivityId,
                    ActivityName,
                    string.Create(CultureInfo.InvariantCulture, $"Batch {i + 1} of {script.Batches.Count}"),
                    i * 100 / script.Batches.Count,
                    batch.Name));
                if (connectedTo != batch.Target)
                {
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    connection = await OpenAsync(DatabaseFor(script, batch), cancellationToken).ConfigureAwait(false);
                    connectedTo = batch.Target;
                }

                if (beforeEachBatch is not null)
                {
                    await beforeEachBatch(cancellationToken).ConfigureAwait(false);
                }

                context.Log.Verbose($"Running SQL batch {i + 1} of {script.Batches.Count}: {batch.Name}");
                await RunAsync(connection!, script, batch, i, cancellationToken).ConfigureAwait(false);
            }

            context.Progress.Report(new OperationProgress(ProgressActivityId, ActivityName, "Done", 100, Completed: true));
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The connection string for <paramref name="database"/>: encrypted, certificate checked, no user or password.</summary>
    internal SqlConnectionStringBuilder ConnectionStringFor(string database) => new()
    {
        DataSource = Endpoint.DataSource,
        InitialCatalog = database,
        Encrypt = SqlConnectionEncryptOption.Mandatory,
        TrustServerCertificate = false,
        ConnectTimeout = (int)Math.Ceiling(_options.ConnectTimeout.TotalSeconds),
        CommandTimeout = (int)Math.Ceiling(_options.CommandTimeout.TotalSeconds),
        ApplicationName = "CustomerInsightsSynapse",
        PersistSecurityInfo = false,
        Pooling = true,
        ConnectRetryCount = 1,
        // A failed login would otherwise put the pool into its blocking period (seconds, doubling) for hosts that
        // SqlClient does not recognise as Azure SQL, such as *.sql.azuresynapse.net: the retries below would get the
        // cached error back without reaching the server.
        PoolBlockingPeriod = PoolBlockingPeriod.NeverBlock,
    };

    /// <summary>A connection (not opened) that gets its access token from the module's credential.</summary>
    internal SqlConnection CreateConnection(string database) => new(ConnectionStringFor(database).ConnectionString)
    {
        AccessTokenCallback = GetTokenAsync,
        RetryLogicProvider = _retry,
    };

    /// <summary>
    /// Asks the credential for a token for the configured SQL audience. The resource the server names is
    /// ignored on purpose: a token is only ever requested for the audience this module chose.
    /// </summary>
    private async Task<SqlAuthenticationToken> GetTokenAsync(SqlAuthenticationParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            var token = await _credential.GetTokenAsync(new TokenRequestContext([_scope]), cancellationToken).ConfigureAwait(false);
            return new SqlAuthenticationToken(token.Token, token.ExpiresOn);
        }
        catch (Exception ex) when (ex is CISynapseException or AuthenticationFailedException or CredentialUnavailableException)
        {
            // SqlClient reports a callback's exception only as text ("provider threw unexpected exception"), without
            // the exception itself; keep it so the connection failure can say what really went wrong.
            _tokenFailure = ex;
            throw;
        }
    }

    private static string DatabaseFor(SqlScript script, SqlBatch batch) =>
        batch.Target == SqlBatchTarget.Master ? "master" : script.Database;

    private async Task<SqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var connection = CreateConnection(database);
        _tokenFailure = null;
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw ConnectionFailure(database, ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunAsync(SqlConnection connection, SqlScript script, SqlBatch batch, int index, CancellationToken cancellationToken)
    {
        var text = batch.NeedsMasterKeyPassword ? WithFreshPassword(batch) : batch.Text;
        await using var command = new SqlCommand(text, connection)
        {
            CommandTimeout = (int)Math.Ceiling(_options.CommandTimeout.TotalSeconds),
            RetryLogicProvider = _retry,
        };
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            throw BatchFailure(batch, string.Create(CultureInfo.InvariantCulture, $" ({index + 1} of {script.Batches.Count})"), DatabaseFor(script, batch), ex);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>
    /// Runs one batch (already parsed by <see cref="SqlScriptValidator"/>) in <paramref name="database"/> and returns the
    /// rows it selected; a server error numbered <paramref name="expectedError"/> returns null instead of failing.
    /// </summary>
    internal async Task<IReadOnlyList<object?[]>?> QueryAsync(string database, SqlBatch batch, int? expectedError, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(database, cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(batch.Text, connection)
        {
            CommandTimeout = (int)Math.Ceiling(_options.CommandTimeout.TotalSeconds),
        };
        try
        {
            var rows = new List<object?[]>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new object?[reader.FieldCount];
                reader.GetValues(row);
                rows.Add(row.Select(v => v is DBNull ? null : v).ToArray());
            }

            return rows;
        }
        catch (SqlException ex) when (ex.Number == expectedError && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is SqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            throw BatchFailure(batch, string.Empty, database, ex);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private CISynapseException BatchFailure(SqlBatch batch, string position, string database, Exception ex)
    {
        if (ex.Message.Contains(ReplicatedDatabaseRefusal, StringComparison.OrdinalIgnoreCase))
        {
            return LakeDatabaseExists(database, batch, ex);
        }

        var number = ex is SqlException sql ? sql.Number : 0;
        var kind = PermissionErrorNumbers.Contains(number) ? ErrorKind.PermissionDenied : ErrorKind.InvalidOperation;
        return new CISynapseException(
            ErrorIds.SqlBatchFailed,
            kind,
            string.Create(
                CultureInfo.InvariantCulture,
                $"The SQL batch '{batch.Name}'{position} failed in database '{SqlQuoting.Printable(database)}' on '{Endpoint}': {ex.Message}{(number != 0 ? $" (SQL error {number})" : string.Empty)}"),
            batch.Name,
            ex)
        {
            RecommendedAction = kind == ErrorKind.PermissionDenied
                ? "Sign in with an identity that is a Synapse SQL administrator of the workspace, or has CONTROL on the database."
                : "The saved script names the failing batch; check the message above, fix the cause and run the export again.",
        };
    }

    /// <summary>
    /// How serverless SQL refuses an object change in a Lake (Spark-replicated) database, for example "Operation
    /// CREATE/ALTER VIEW is not allowed for a replicated database". The first batch run in the export's database
    /// creates an object, so a Lake database of the export's name is refused there, before any view is touched.
    /// </summary>
    internal const string ReplicatedDatabaseRefusal = "is not allowed for a replicated database";

    private CISynapseException LakeDatabaseExists(string database, SqlBatch batch, Exception ex) =>
        new(
            ErrorIds.LakeDatabaseExists,
            ErrorKind.ResourceExists,
            $"The database '{SqlQuoting.Printable(database)}' on '{Endpoint}' is a Lake database (shared with Spark), which serverless SQL keeps read-only; the batch '{batch.Name}' was refused and no view was changed: {ex.Message}",
            database,
            ex);

    /// <summary>
    /// The master key batch with the placeholder literal swapped for a new random password literal. The text
    /// exists only for this command; it is parsed again (one literal for another) and on error reported without it.
    /// </summary>
    internal static string WithFreshPassword(SqlBatch batch)
    {
        var placeholder = SqlQuoting.Literal(SqlScript.MasterKeyPasswordPlaceholder, "master key password");
        var text = batch.Text.Replace(placeholder, SqlQuoting.Literal(MasterKeyPassword.Generate(), "master key password"), StringComparison.Ordinal);
        SqlScriptValidator.Parse(text, out var errors);
        if (errors.Count > 0 || ReferenceEquals(text, batch.Text) || text == batch.Text)
        {
            throw new CISynapseException(
                ErrorIds.GeneratedSqlInvalid,
                ErrorKind.InvalidResult,
                $"The SQL batch '{batch.Name}' has no valid place for the master key password; it was not sent. This is a bug in CustomerInsightsSynapse.\n--- batch ---\n{batch.Text}",
                batch.Name);
        }

        return text;
    }

    private CISynapseException ConnectionFailure(string database, Exception ex)
    {
        var tokenFailure = Interlocked.Exchange(ref _tokenFailure, null);
        for (var inner = tokenFailure ?? ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is CISynapseException known)
            {
                return known;
            }

            if (inner is AuthenticationFailedException or CredentialUnavailableException)
            {
                return new CISynapseException(
                    ErrorIds.AuthenticationFailed,
                    ErrorKind.AuthenticationError,
                    $"Could not get an access token for '{_scope}' to sign in to the serverless SQL endpoint '{Endpoint}': {inner.Message}",
                    Endpoint.DataSource,
                    ex);
            }
        }

        var number = ex is SqlException sql ? sql.Number : 0;
        var loginFailed = number is 18456 or 18470 or 33155;
        return new CISynapseException(
            ErrorIds.SqlConnectionFailed,
            loginFailed ? ErrorKind.AuthenticationError : ErrorKind.ConnectionError,
            $"Could not connect to the serverless SQL endpoint '{Endpoint}' (database '{SqlQuoting.Printable(database)}'): {ex.Message}",
            Endpoint.DataSource,
            ex)
        {
            RecommendedAction = loginFailed
                ? "Sign in with an identity that has access to the workspace's serverless SQL pool (for example a Synapse SQL administrator)."
                : "Check the endpoint name, that the workspace firewall allows this client's address, and that port " + Endpoint.Port.ToString(CultureInfo.InvariantCulture) + " is reachable.",
        };
    }
}
