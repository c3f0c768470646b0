using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// A generated, validated deployment script: named batches in the order they run, the warnings met while
/// generating it, and the text saved as <c>{Database}/_sql/{runId}.sql</c>.
/// </summary>
/// <remarks>
/// The master key password is never part of a script. The master key batch holds
/// <see cref="MasterKeyPasswordPlaceholder"/> (an sqlcmd variable, so a team applying the saved script with
/// <c>sqlcmd -v CISynapseMasterKeyPassword=…</c> supplies its own); <see cref="SqlScriptExecutor"/> replaces it with a
/// random password generated for that run and forgotten afterwards. Azure keeps the master key protected by the
/// service master key, so the password is never needed again.
/// </remarks>
public sealed class SqlScript
{
    /// <summary>Stands where the master key password goes; a password is substituted only at execution time.</summary>
    public const string MasterKeyPasswordPlaceholder = "$(CISynapseMasterKeyPassword)";

    private string? _text;

    internal SqlScript(string database, QueryAccessMode accessMode, IReadOnlyList<SqlBatch> batches, IReadOnlyList<string> warnings)
    {
        Database = database;
        AccessMode = accessMode;
        Batches = batches;
        Warnings = warnings;
    }

    public string Database { get; }

    public QueryAccessMode AccessMode { get; }

    public IReadOnlyList<SqlBatch> Batches { get; }

    /// <summary>Per CSV entity with typed columns: the query counting values that do not convert (see <see cref="SqlConversionCheck"/>).</summary>
    public IReadOnlyList<SqlConversionCheck> ConversionChecks { get; init; } = [];

    /// <summary>What did not map cleanly (unknown CDM types, unusable lengths or precisions), one sentence each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The whole script as one GO-separated text, runnable with sqlcmd against the serverless endpoint.</summary>
    public string Text => _text ??= BuildText();

    public override string ToString() => Text;

    private string BuildText()
    {
        var builder = new StringBuilder(Batches.Sum(b => b.Text.Length + 48) + 1024);
        builder.Append("-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).\n");
        builder.Append("-- Query access mode: ").Append(AccessMode.ToString()).Append(".\n");
        if (Batches.Any(b => b.NeedsMasterKeyPassword))
        {
            builder.Append("-- The master key password is not stored. Supply one for ").Append(MasterKeyPasswordPlaceholder)
                .Append(" (sqlcmd -v CISynapseMasterKeyPassword=...);\n")
                .Append("-- it is used only if the database has no master key yet and is not needed afterwards.\n");
        }

        var useWritten = false;
        for (var i = 0; i < Batches.Count; i++)
        {
            var batch = Batches[i];
            if (batch.Target == SqlBatchTarget.Database && !useWritten)
            {
                builder.Append('\n').Append(ServerlessSqlGenerator.UseDatabaseStatement(Database)).Append("\nGO\n");
                useWritten = true;
            }

            builder.Append('\n')
                .Append(CultureInfo.InvariantCulture, $"-- Batch {i + 1} of {Batches.Count}: {batch.Kind}\n")
                .Append(batch.Text)
                .Append("\nGO\n");
        }

        return builder.ToString();
    }
}
