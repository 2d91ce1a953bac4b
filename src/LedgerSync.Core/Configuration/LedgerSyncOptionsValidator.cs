using Microsoft.Extensions.Options;

namespace LedgerSync;

/// <summary>
/// Checks <see cref="LedgerSyncOptions"/>: every range of the key table (<see cref="LedgerSyncOptionKeys.All"/>, the one
/// place ranges are declared), <c>retryMaxDelay ≥ retryInitialDelay</c>, the required local party, and configuration
/// values that did not parse. Reports every failure at once, in the order of the table, each naming the key, the
/// value and what is accepted.
/// </summary>
internal sealed class LedgerSyncOptionsValidator : IValidateOptions<LedgerSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var failedKeys = new HashSet<string>(options.BindingFailures.Keys, StringComparer.OrdinalIgnoreCase);

        foreach (var key in LedgerSyncOptionKeys.All)
        {
            if (options.BindingFailures.TryGetValue(key.Name, out var bindingFailure))
            {
                failures.Add(bindingFailure);
                continue;
            }

            if (key.Check(options) is { } outOfRange)
            {
                failures.Add(outOfRange);
                failedKeys.Add(key.Name);
            }
        }

        if (options.LocalParty is null && !failedKeys.Contains(LedgerSyncOptionKeys.LocalParty))
        {
            failures.Add($"{LedgerSyncOptionKeys.LocalParty} is not set; accepted: {LedgerSyncOptionKeys.All.Single(k => k.Name == LedgerSyncOptionKeys.LocalParty).Accepted}.");
        }

        if (options.RetryMaxDelay < options.RetryInitialDelay
            && !failedKeys.Contains(LedgerSyncOptionKeys.RetryMaxDelay)
            && !failedKeys.Contains(LedgerSyncOptionKeys.RetryInitialDelay))
        {
            failures.Add(
                $"{LedgerSyncOptionKeys.RetryMaxDelay} = {LedgerSyncDuration.Format(options.RetryMaxDelay)} is less than " +
                $"{LedgerSyncOptionKeys.RetryInitialDelay} = {LedgerSyncDuration.Format(options.RetryInitialDelay)}; accepted: at least {LedgerSyncOptionKeys.RetryInitialDelay}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
