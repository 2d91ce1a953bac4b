using System.Globalization;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// Decides what a transient failure (<see cref="LedgerSyncException.IsTransient"/>: a busy or unreachable peer) means
/// for a run: retry after a jittered, growing delay, or give up once
/// <see cref="LedgerSyncOptions.MaxReconciliationRetryAttemptTimeout"/> has passed since the first attempt.
/// </summary>
/// <remarks>
/// The delay before retry number <c>n + 1</c> (after <c>n</c> earlier retries) is drawn uniformly from
/// <c>[d/2, d]</c> with <c>d = min(RetryInitialDelay · 2^n, RetryMaxDelay)</c> ("equal jitter", so many requesters
/// refused at once spread out), and never runs past the timeout: the last retry is due exactly when it expires.
/// </remarks>
internal sealed class ReconciliationRetryPolicy
{
    private readonly LedgerSyncOptions _options;
    private readonly Random _random;

    public ReconciliationRetryPolicy(IOptions<LedgerSyncOptions> options, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _random = random ?? Random.Shared;
    }

    /// <summary>The jittered delay before retry number <paramref name="attempt"/> + 1.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan initial, TimeSpan max, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var grown = initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 40));
        var capped = Math.Min(grown, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (random.NextDouble() * capped / 2));
    }

    /// <summary>What to do after <paramref name="cause"/> ended the attempt of <paramref name="job"/> that started at <paramref name="attemptStartedAt"/>.</summary>
    public RetryDecision Decide(ReconciliationJob job, DateTimeOffset attemptStartedAt, DateTimeOffset now, LedgerSyncException cause)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(cause);
        var firstAttempt = job.FirstAttemptAt ?? attemptStartedAt;
        var elapsed = now - firstAttempt;
        var timeout = _options.MaxReconciliationRetryAttemptTimeout;
        var attempts = job.Attempt + 1;
        if (elapsed >= timeout)
        {
            return RetryDecision.GiveUp(GiveUpReason(cause, attempts, elapsed, timeout));
        }

        var delay = Backoff(job.Attempt, _options.RetryInitialDelay, _options.RetryMaxDelay, _random);
        if (delay > timeout - elapsed)
        {
            delay = timeout - elapsed;
        }

        return RetryDecision.RetryAfter(delay, firstAttempt);
    }

    /// <summary>
    /// The one-line <c>lastReconciliationError</c> of a run that gave up: the cause's type name and message, the
    /// attempts, the elapsed time and the setting, e.g. <c>MaxIncomingSessionsExceededException: O=B, L=London, C=GB is
    /// too busy … Gave up after 7 attempt(s) over 60.4 s (maxReconciliationRetryAttemptTimeout = 1M).</c>
    /// </summary>
    public static string GiveUpReason(LedgerSyncException cause, int attempts, TimeSpan elapsed, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(cause);
        var message = cause.Message.ReplaceLineEndings(" ").Trim();
        if (message.Length > 0 && !message.EndsWith('.'))
        {
            message += ".";
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{cause.GetType().Name}: {message} Gave up after {attempts} attempt(s) over {elapsed.TotalSeconds:0.###} s ({LedgerSyncOptionKeys.MaxReconciliationRetryAttemptTimeout} = {LedgerSyncDuration.Format(timeout)}).");
    }
}

/// <summary>The retry policy's answer: retry after <see cref="Delay"/>, or give up with <see cref="Reason"/>.</summary>
internal readonly record struct RetryDecision(bool Retry, TimeSpan Delay, DateTimeOffset FirstAttemptAt, string? Reason)
{
    public static RetryDecision RetryAfter(TimeSpan delay, DateTimeOffset firstAttemptAt) => new(true, delay, firstAttemptAt, null);

    public static RetryDecision GiveUp(string reason) => new(false, TimeSpan.Zero, default, reason);
}
