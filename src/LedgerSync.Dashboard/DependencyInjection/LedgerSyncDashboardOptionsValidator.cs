using Microsoft.Extensions.Options;

namespace LedgerSync.Dashboard;

/// <summary>Checks the dashboard's options at start and reports every bad value at once.</summary>
internal sealed class LedgerSyncDashboardOptionsValidator : IValidateOptions<LedgerSyncDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerSyncDashboardOptions options)
    {
        var failures = new List<string>();
        if (options.TransactionIdsPageSize is < 1 or > 10_000)
        {
            failures.Add($"LedgerSyncDashboardOptions.TransactionIdsPageSize must be between 1 and 10000; got {options.TransactionIdsPageSize}.");
        }

        if (options.RunHistoryPageSize < 1 || options.RunHistoryPageSize > LedgerSyncDashboardOptions.MaxRunHistoryPageSize)
        {
            failures.Add($"LedgerSyncDashboardOptions.RunHistoryPageSize must be between 1 and {LedgerSyncDashboardOptions.MaxRunHistoryPageSize}; got {options.RunHistoryPageSize}.");
        }

        if (options.LiveRefreshInterval < LedgerSyncDashboardOptions.MinLiveRefreshInterval)
        {
            failures.Add($"LedgerSyncDashboardOptions.LiveRefreshInterval must be at least {LedgerSyncDashboardOptions.MinLiveRefreshInterval}; got {options.LiveRefreshInterval}.");
        }

        if (string.IsNullOrWhiteSpace(options.Title))
        {
            failures.Add("LedgerSyncDashboardOptions.Title must not be empty.");
        }

        if (options.AuthorizationPolicy is { } policy && string.IsNullOrWhiteSpace(policy))
        {
            failures.Add("LedgerSyncDashboardOptions.AuthorizationPolicy must be a policy name or null (the default policy).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
