using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LedgerSync;

/// <summary>
/// What a <see cref="LedgerSyncNode"/> is built from, validated and frozen by <see cref="LedgerSyncNodeBuilder.BuildConfiguration"/>:
/// a copy of the options taken when it was built (a later change to the builder's <see cref="LedgerSyncNodeBuilder.Options"/>
/// changes neither this configuration nor a node built from it), the plug-ins chosen and the time, logging and metrics
/// services. Under <c>services.AddLedgerSync(...)</c> it is resolvable from the container
/// (<c>GetRequiredService&lt;LedgerSyncNodeConfiguration&gt;()</c>): made on first use by a
/// <see cref="LedgerSyncNodeBuilder"/> from the bound options and the host's clock, logging and metrics, with the same
/// validation (a <see cref="LedgerSyncConfigurationException"/> listing every failure), and a snapshot from then on (a
/// configuration reload reaches the components through <c>IOptionsMonitor</c>, not this object). There the plug-ins are
/// the host's own registrations.
/// </summary>
public sealed class LedgerSyncNodeConfiguration
{
    private readonly LedgerSyncOptions _options;

    internal LedgerSyncNodeConfiguration(
        LedgerSyncOptions options,
        IReadOnlyList<Action<ILedgerSyncBuilder>> plugins,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IMeterFactory? meterFactory)
    {
        _options = options;
        Plugins = plugins;
        TimeProvider = timeProvider;
        LoggerFactory = loggerFactory;
        MeterFactory = meterFactory;
        LocalParty = options.LocalParty ?? throw new ArgumentException("A validated configuration has a local party.", nameof(options));
    }

    /// <summary>This node's own legal identity (<see cref="LedgerSyncOptions.LocalParty"/>).</summary>
    public PartyName LocalParty { get; }

    /// <summary>The clock every timer, timeout and timestamp of the node uses.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Where the node's components log.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Where the node's meters are created; <see langword="null"/> when none was given (meters are then created unshared).</summary>
    public IMeterFactory? MeterFactory { get; }

    /// <summary>The plug-in choices, applied in order to the node's registrations.</summary>
    internal IReadOnlyList<Action<ILedgerSyncBuilder>> Plugins { get; }

    /// <summary>A copy of the validated options: changing it changes neither this configuration nor a node.</summary>
    /// <returns>A new <see cref="LedgerSyncOptions"/> with the values this configuration holds.</returns>
    public LedgerSyncOptions GetOptions() => _options.Copy();

    /// <summary>Writes the options this configuration holds onto <paramref name="target"/>.</summary>
    internal void CopyOptionsTo(LedgerSyncOptions target) => _options.CopyTo(target);
}
