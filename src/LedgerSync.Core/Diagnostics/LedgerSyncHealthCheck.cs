using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The health of LedgerSync on this node. <b>Unhealthy</b> (the registration's failure status) when the initialized
/// ledger graph is not self-consistent — the node must be restored to a consistent state before it reconciles — or
/// when the status store cannot be read; <b>degraded</b> while the ledger graph initializes or when the latest outgoing
/// reconciliation with some party failed; <b>healthy</b> otherwise. The result's data holds the counts of the query
/// API. Register it with <c>services.AddHealthChecks().AddCheck&lt;LedgerSyncHealthCheck&gt;("ledgersync")</c> or
/// <c>.Add(LedgerSyncHealthCheck.CreateRegistration())</c>; <c>AddLedgerSync()</c> registers the check type itself.
/// </summary>
public sealed partial class LedgerSyncHealthCheck : IHealthCheck
{
    /// <summary>The default registration name: <c>ledgersync</c>.</summary>
    public const string DefaultName = "ledgersync";

    private const int MaxPartiesNamed = 5;

    private readonly ReconciliationMonitor _monitor;
    private readonly ILogger _logger;
    private int _lastStatus = -1;

    /// <summary>Creates the check over the query API.</summary>
    internal LedgerSyncHealthCheck(ReconciliationMonitor monitor, ILogger<LedgerSyncHealthCheck>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        _monitor = monitor;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// A registration for <c>IHealthChecksBuilder.Add</c> that resolves the check from the service provider, for
    /// example <c>services.AddHealthChecks().Add(LedgerSyncHealthCheck.CreateRegistration(tags: ["ready"]))</c>.
    /// </summary>
    /// <param name="name">The registration name; default <see cref="DefaultName"/>.</param>
    /// <param name="failureStatus">The status reported when the ledger graph is inconsistent or the store fails; default unhealthy.</param>
    /// <param name="tags">Tags to filter health endpoints by.</param>
    public static HealthCheckRegistration CreateRegistration(string name = DefaultName, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null) =>
        new(name, sp => (IHealthCheck?)sp.GetService(typeof(LedgerSyncHealthCheck)) ?? throw new InvalidOperationException(
            $"{nameof(LedgerSyncHealthCheck)} is not registered; call services.AddLedgerSync() first."), failureStatus, tags);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failureStatus = context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var initialized = _monitor.LedgerGraphIsInitialized;
        var selfConsistent = _monitor.LedgerGraphIsSelfConsistent;
        var errors = _monitor.LedgerGraphErrors;
        var data = new Dictionary<string, object>
        {
            ["ledgerGraphIsInitialized"] = initialized,
            ["ledgerGraphIsSelfConsistent"] = selfConsistent,
            ["ledgerGraphErrors"] = errors.Count,
        };

        HealthCheckResult result;
        try
        {
            var counts = await _monitor.GetCountsAsync(cancellationToken).ConfigureAwait(false);
            data["scheduled"] = counts.Scheduled;
            data["inProgress"] = counts.InProgress;
            data["failed"] = counts.Failed;
            data["withDifferences"] = counts.WithDifferences;
            data["withoutDifferences"] = counts.WithoutDifferences;
            data["incomingInProgress"] = _monitor.NumberOfIncomingReconciliationsInProgress;

            var failedParties = counts.Failed == 0 ? [] : await _monitor.GetFailedPartiesAsync(cancellationToken).ConfigureAwait(false);
            if (failedParties.Count > 0)
            {
                data["failedParties"] = failedParties.Select(p => p.ToString()).ToArray();
            }

            result = Evaluate(initialized, selfConsistent, errors, failedParties, failureStatus, data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            result = new HealthCheckResult(failureStatus, "Could not read the reconciliation statuses from the status store.", exception, data);
        }

        var previous = Interlocked.Exchange(ref _lastStatus, (int)result.Status);
        if (previous != (int)result.Status)
        {
            Log.HealthChanged(_logger, previous < 0 ? null : (HealthStatus)previous, result.Status, result.Description);
        }

        return result;
    }

    private static HealthCheckResult Evaluate(
        bool initialized,
        bool selfConsistent,
        IReadOnlyList<Ledger.LedgerGraphError> errors,
        IReadOnlyList<PartyName> failedParties,
        HealthStatus failureStatus,
        Dictionary<string, object> data)
    {
        if (!initialized)
        {
            return HealthCheckResult.Degraded("The ledger graph is initializing; reconciliations cannot be scheduled until it finishes.", data: data);
        }

        if (!selfConsistent)
        {
            var first = errors.Count > 0 ? $" First: {errors[0].Message}" : string.Empty;
            return new HealthCheckResult(
                failureStatus,
                $"The ledger graph is not self-consistent ({errors.Count} errors); restore the node to a consistent state before reconciling.{first}",
                data: data);
        }

        if (failedParties.Count > 0)
        {
            var named = string.Join("; ", failedParties.Take(MaxPartiesNamed));
            var more = failedParties.Count > MaxPartiesNamed ? $" and {failedParties.Count - MaxPartiesNamed} more" : string.Empty;
            return HealthCheckResult.Degraded(
                $"The latest reconciliation failed with {failedParties.Count} parties: {named}{more}. See their statuses for the error.",
                data: data);
        }

        return HealthCheckResult.Healthy("The ledger graph is consistent and no latest reconciliation has failed.", data);
    }
}
