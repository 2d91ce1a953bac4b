using Microsoft.Extensions.Hosting;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// The nodes' hosts do not own the process (there are two of them, and the walkthrough decides when they stop), so
/// they leave Ctrl+C and SIGTERM alone: the default console lifetime would swallow the signal and wait for a shutdown
/// the walkthrough never asks for.
/// </summary>
internal sealed class SampleHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
