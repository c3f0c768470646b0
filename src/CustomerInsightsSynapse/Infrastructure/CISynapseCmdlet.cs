using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Host;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>
/// The base of every cmdlet in the module. Cmdlets override <see cref="ExecuteCmdlet"/>; failures become
/// ErrorRecords with the Core ErrorId and category; Ctrl+C cancels the running Core operation; Core progress
/// and messages reach Write-Progress, Write-Verbose, Write-Debug and Write-Warning on the pipeline thread.
/// </summary>
public abstract class CISynapseCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    protected sealed override void ProcessRecord()
    {
        try
        {
            ExecuteCmdlet();
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not ActionPreferenceStopException and not HaltCommandException)
        {
            if (ex is OperationCanceledException && _cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            if (ex is TerminatingException terminating)
            {
                ThrowTerminatingError(ErrorRecordFactory.From(terminating.InnerException!, terminating.Target));
            }

            WriteError(ErrorRecordFactory.From(ex, null));
        }
    }

    protected abstract void ExecuteCmdlet();

    /// <summary>
    /// Writes a verbose message. For a compiled cmdlet PowerShell turns -Debug (without -Verbose) into an Inquire
    /// preference for verbose messages: a "Continue with this operation?" prompt for each one, which fails the
    /// command in a host that cannot prompt (a runbook, pwsh -NonInteractive). Then the message is written as a
    /// debug line instead, which -Debug shows without asking.
    /// </summary>
    public new void WriteVerbose(string text)
    {
        if (DebugWithoutVerbose)
        {
            WriteDebug(text);
        }
        else
        {
            base.WriteVerbose(text);
        }
    }

    /// <summary>
    /// Writes a warning. -Debug (without -WarningAction) also makes PowerShell ask after each warning; a host that
    /// cannot ask fails the write after showing the warning, and then the command goes on as if told to continue.
    /// </summary>
    public new void WriteWarning(string text) => WithoutDebugPrompt(() => base.WriteWarning(text), "WarningAction");

    /// <summary>Writes a non-terminating error; as for <see cref="WriteWarning"/>, -Debug's question is not asked of a host that cannot ask.</summary>
    public new void WriteError(ErrorRecord errorRecord) => WithoutDebugPrompt(() => base.WriteError(errorRecord), "ErrorAction");

    private bool DebugBound => MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true };

    private bool DebugWithoutVerbose => DebugBound && !MyInvocation.BoundParameters.ContainsKey("Verbose");

    private void WithoutDebugPrompt(Action write, string actionParameter)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or HostException or NotImplementedException or PSNotImplementedException
            && DebugBound && !MyInvocation.BoundParameters.ContainsKey(actionParameter))
        {
            // The host cannot prompt (pwsh -NonInteractive, a runbook): the message is already written.
        }
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    protected override void EndProcessing() => _cancellation.Dispose();

    /// <summary>Stops the whole command (not just this pipeline item) with the given failure.</summary>
    protected static Exception Terminate(Exception inner, object? target = null) => new TerminatingException(inner, target);

    /// <summary>
    /// Runs a Core operation on a worker thread while this thread writes what it reports. Returns its result,
    /// or rethrows its failure; Ctrl+C cancels it.
    /// </summary>
    protected T Run<T>(Func<OperationContext, Task<T>> operation)
    {
        using var messages = new BlockingCollection<Action>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        var log = new QueuedLog(messages, this, stop.Token);
        var progress = new QueuedProgress(messages, this);
        var context = new OperationContext(stop.Token, progress, log);
        var task = Task.Run(() => operation(context), stop.Token);
        task.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var write in messages.GetConsumingEnumerable())
            {
                write();
            }
        }
        catch
        {
            // A write failed on the pipeline thread (-WarningAction Stop, a declined prompt, a stopped pipeline):
            // stop the operation and wait for it, so that nothing is done after the command has failed.
            stop.Cancel();
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
            }

            throw;
        }

        progress.CompleteAll();
        return task.GetAwaiter().GetResult();
    }

    /// <summary><see cref="Run{T}"/> for an operation done as the signed-in principal (who the store sees acting).</summary>
    protected T RunAsCaller<T>(Func<Caller, OperationContext, Task<T>> operation) =>
        Run(async context => await operation(await StoreSession.CallerAsync(context.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false));

    /// <summary>
    /// Whether -WhatIf is in effect, given or inherited through $WhatIfPreference: commands that describe their plan
    /// in more detail than one ShouldProcess line ask this first.
    /// </summary>
    protected bool WhatIfInEffect =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? value is SwitchParameter { IsPresent: true }
            : SessionState.PSVariable.GetValue("WhatIfPreference") is SwitchParameter { IsPresent: true } or true;

    protected void Run(Func<OperationContext, Task> operation) =>
        Run<bool>(async context =>
        {
            await operation(context).ConfigureAwait(false);
            return true;
        });

    /// <summary>Queues a write for the pipeline thread; reports that arrive after the operation ended are dropped.</summary>
    private static bool Post(BlockingCollection<Action> queue, Action write)
    {
        try
        {
            return queue.TryAdd(write);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }

    private sealed class TerminatingException(Exception inner, object? target) : Exception(inner.Message, inner)
    {
        public object? Target { get; } = target;
    }

    /// <summary>
    /// Verbose, debug and warning messages wait until the pipeline thread has written them: a message the user made
    /// fatal (-WarningAction Stop, "Halt" at a -Debug prompt) then stops the operation before its next step.
    /// </summary>
    private sealed class QueuedLog(BlockingCollection<Action> queue, CISynapseCmdlet cmdlet, CancellationToken stopped) : IOperationLog
    {
        public void Verbose(string message) => Send(() => cmdlet.WriteVerbose(message));

        public void Debug(string message) => Send(() => cmdlet.WriteDebug(message));

        public void Warning(string message) => Send(() => cmdlet.WriteWarning(message));

        private void Send(Action write)
        {
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var queued = Post(queue, () =>
            {
                try
                {
                    write();
                    written.TrySetResult();
                }
                catch (Exception ex)
                {
                    written.TrySetException(ex);
                    throw;
                }
            });
            if (!queued)
            {
                return;
            }

            try
            {
                written.Task.Wait(stopped);
            }
            catch (AggregateException)
            {
                throw new OperationCanceledException("The command stopped while writing a message.", stopped);
            }
        }
    }

    private sealed class QueuedProgress(BlockingCollection<Action> queue, Cmdlet cmdlet) : IProgress<OperationProgress>
    {
        private readonly ConcurrentDictionary<int, string> _open = new();

        public void Report(OperationProgress value)
        {
            // Progress does not wait for the pipeline thread: it is frequent, and never fatal.
            if (value.Completed)
            {
                _open.TryRemove(value.ActivityId, out _);
            }
            else
            {
                _open[value.ActivityId] = value.Activity;
            }

            Post(queue, () => cmdlet.WriteProgress(ToRecord(value)));
        }

        public void CompleteAll()
        {
            foreach (var (id, activity) in _open)
            {
                cmdlet.WriteProgress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            _open.Clear();
        }

        private static ProgressRecord ToRecord(OperationProgress p)
        {
            var record = new ProgressRecord(p.ActivityId, p.Activity, string.IsNullOrEmpty(p.Status) ? p.Activity : p.Status)
            {
                PercentComplete = Math.Clamp(p.PercentComplete, -1, 100),
                ParentActivityId = p.ParentActivityId,
                RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (!string.IsNullOrEmpty(p.CurrentOperation))
            {
                record.CurrentOperation = p.CurrentOperation;
            }

            return record;
        }
    }
}
