using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LedgerSync;

/// <summary>
/// Binds <see cref="LedgerSyncOptions"/> from a configuration section. Keys match case-insensitively; durations use
/// <see cref="LedgerSyncDuration"/>; a value that does not parse leaves the default in place and is recorded in
/// <see cref="LedgerSyncOptions.BindingFailures"/> for the validator to report with every other failure.
/// </summary>
internal sealed class LedgerSyncOptionsBinder(IConfiguration source, IConfiguration section) : IConfigureOptions<LedgerSyncOptions>
{
    /// <summary>The configuration passed to <c>AddLedgerSync</c> (kept to recognise a second registration of it).</summary>
    public IConfiguration Source { get; } = source;

    /// <summary>The section bound.</summary>
    public IConfiguration Section { get; } = section;

    public void Configure(LedgerSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Bind(Section, options);
    }

    public static void Bind(IConfiguration section, LedgerSyncOptions options)
    {
        foreach (var key in LedgerSyncOptionKeys.All)
        {
            var value = section[key.Name];
            if (value is null)
            {
                continue;
            }

            var problem = key.Bind(options, value);
            if (problem is null)
            {
                options.BindingFailures.Remove(key.Name);
            }
            else
            {
                options.BindingFailures[key.Name] = $"{key.Name} = '{value}' {problem}; accepted: {key.Accepted}.";
            }
        }
    }
}
