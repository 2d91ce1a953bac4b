using System.Diagnostics.Metrics;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using LedgerSync.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync;

/// <summary>
/// Assembles a LedgerSync node without a host or a container of your own: set the options and the plug-ins, then
/// <see cref="Build"/> validates everything (every failure at once) and returns a <see cref="LedgerSyncNode"/> made
/// from an immutable <see cref="LedgerSyncNodeConfiguration"/>. The builder owns the one composition of a node:
/// <see cref="Build"/> runs it into a container the node owns, and <c>services.AddLedgerSync(...)</c> runs the same step
/// into the host's services (where the configuration is resolvable, made by <see cref="BuildConfiguration"/> from the
/// bound options), so both ways give the same components; the typed <c>Use…</c> methods here are
/// shorthands for the <see cref="ILedgerSyncBuilder"/> extensions, and <see cref="ConfigurePlugins"/> accepts any of
/// them (for example <c>UseSqlStatusStore</c> from <c>LedgerSync.Dapper</c>).
/// </summary>
/// <example>
/// <code>
/// var builder = new LedgerSyncNodeBuilder();
/// builder.Options.LocalParty = PartyName.Parse("O=PartyA, L=London, C=GB");
/// builder.UseTransactionSource(source).ConfigurePlugins(b => b.UseInMemoryTransport(network));
/// await using var node = builder.Build();
/// await node.StartAsync();
/// await node.Flows.ScheduleReconciliationAsync([partyB]);
/// </code>
/// </example>
public sealed class LedgerSyncNodeBuilder
{
    private readonly List<Action<ILedgerSyncBuilder>> _plugins = [];
    private TimeProvider _timeProvider = TimeProvider.System;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private IMeterFactory? _meterFactory;

    /// <summary>
    /// The options the node will use, with their defaults until changed. <see cref="Build"/> copies them: a change made
    /// after it does not reach the node.
    /// </summary>
    public LedgerSyncOptions Options { get; private init; } = new();

    /// <summary>Changes <see cref="Options"/> in code.</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder ConfigureOptions(Action<LedgerSyncOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Uses <paramref name="timeProvider"/> for every timer, timeout and timestamp (default: the system clock).</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Logs through <paramref name="loggerFactory"/> (default: no logging).</summary>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for none.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseLoggerFactory(ILoggerFactory? loggerFactory)
    {
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        return this;
    }

    /// <summary>Creates the node's meters through <paramref name="meterFactory"/> (default: none, meters are created unshared).</summary>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/> for none.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseMeterFactory(IMeterFactory? meterFactory)
    {
        _meterFactory = meterFactory;
        return this;
    }

    /// <summary>Loads the ledger graph from <paramref name="source"/> (default: an empty in-memory source).</summary>
    /// <param name="source">The transaction source.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseTransactionSource(ITransactionSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ConfigurePlugins(b => b.UseTransactionSource(source));
    }

    /// <summary>Decodes the records the transaction source returns as raw bytes with <paramref name="decoder"/>.</summary>
    /// <param name="decoder">The decoder (thread-safe).</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseTransactionDecoder(ITransactionDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return ConfigurePlugins(b => b.UseTransactionDecoder(decoder));
    }

    /// <summary>
    /// Opens sessions with <paramref name="transport"/>. Sessions your transport receives go to the node's
    /// <see cref="LedgerSyncNode.InboundSessionHandler"/>.
    /// </summary>
    /// <param name="transport">The transport.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UsePeerTransport(IPeerTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return ConfigurePlugins(b => b.UsePeerTransport(_ => transport));
    }

    /// <summary>Keeps reconciliation statuses in <paramref name="store"/> (default: in process memory).</summary>
    /// <param name="store">The status store.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseStatusStore(IStatusStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ConfigurePlugins(b => b.UseStatusStore(_ => store));
    }

    /// <summary>Keeps the scheduler's job queue in <paramref name="store"/> (default: in process memory).</summary>
    /// <typeparam name="TStore">The store type (its runtime and its query interface).</typeparam>
    /// <param name="store">The job store.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseJobStore<TStore>(TStore store)
        where TStore : class, IReconciliationJobStore, IReconciliationJobQueries
    {
        ArgumentNullException.ThrowIfNull(store);
        return ConfigurePlugins(b => b.UseJobStore(_ => store));
    }

    /// <summary>Keeps recoveries in <paramref name="store"/> (default: in process memory).</summary>
    /// <param name="store">The recovery store.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseRecoveryStore(IRecoveryStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ConfigurePlugins(b => b.UseRecoveryStore(_ => store));
    }

    /// <summary>Serves recovery requests from <paramref name="source"/>.</summary>
    /// <param name="source">The payload source.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseTransactionPayloadSource(ITransactionPayloadSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ConfigurePlugins(b => b.UseTransactionPayloadSource(source));
    }

    /// <summary>Stores recovered, verified transactions with <paramref name="sink"/> (idempotent).</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder UseRecoveredTransactionSink(IRecoveredTransactionSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return ConfigurePlugins(b => b.UseRecoveredTransactionSink(sink));
    }

    /// <summary>
    /// Applies plug-in choices written for <c>AddLedgerSync</c> (any <see cref="ILedgerSyncBuilder"/> extension, such as
    /// <c>UseInMemoryTransport(network)</c> or <c>UseSqlStatusStore(...)</c>) to the node's own registrations, in order
    /// with the other <c>Use…</c> calls. <paramref name="configure"/> runs when the node is built.
    /// </summary>
    /// <param name="configure">The plug-in choices.</param>
    /// <returns>This builder.</returns>
    public LedgerSyncNodeBuilder ConfigurePlugins(Action<ILedgerSyncBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _plugins.Add(configure);
        return this;
    }

    /// <summary>
    /// Validates the options (every range of the key table, the rules between keys, the required local party) and
    /// freezes them with the plug-ins chosen so far.
    /// </summary>
    /// <returns>The immutable configuration.</returns>
    /// <exception cref="LedgerSyncConfigurationException">A value is invalid; <see cref="LedgerSyncConfigurationException.Errors"/> lists every failure.</exception>
    public LedgerSyncNodeConfiguration BuildConfiguration()
    {
        var options = Options.Copy();
        var result = new LedgerSyncOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            var errors = result.Failures.Select(f => new LedgerSyncConfigurationError(f, KeyNamedAtStart(f))).ToArray();
            throw new LedgerSyncConfigurationException(errors, "The LedgerSync node configuration");
        }

        return new LedgerSyncNodeConfiguration(options, [.. _plugins], _timeProvider, _loggerFactory, _meterFactory);
    }

    /// <summary>Validates the configuration (see <see cref="BuildConfiguration"/>) and composes a node from it, not yet started.</summary>
    /// <returns>The node; start it with <see cref="LedgerSyncNode.StartAsync"/> and dispose it when done.</returns>
    /// <exception cref="LedgerSyncConfigurationException">A value is invalid; <see cref="LedgerSyncConfigurationException.Errors"/> lists every failure.</exception>
    public LedgerSyncNode Build()
    {
        var configuration = BuildConfiguration();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(configuration.TimeProvider);
        services.AddSingleton(configuration.LoggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        if (configuration.MeterFactory is { } meterFactory)
        {
            services.AddSingleton(meterFactory);
        }

        // The one composition, into the node's own container: the options are the configuration's frozen copy.
        var builder = Compose(services, configuration: null, configuration.CopyOptionsTo);
        foreach (var plugin in configuration.Plugins)
        {
            plugin(builder);
        }

        return new LedgerSyncNode(configuration, services);
    }

    /// <summary>
    /// The one composition of a node: registers its options (bound from <paramref name="configuration"/>, then set by
    /// <paramref name="configure"/>, validated at start), its <see cref="LedgerSyncNodeConfiguration"/> and its components
    /// into <paramref name="services"/>, with in-memory defaults for the plug-ins. <c>AddLedgerSync</c> runs it into a
    /// host's services, <see cref="Build"/> into the node's own. Every registration is TryAdd-style, so running it twice
    /// is harmless.
    /// </summary>
    internal static LedgerSyncBuilder Compose(IServiceCollection services, IConfiguration? configuration, Action<LedgerSyncOptions>? configure)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSyncOptions(configuration, configure);

        // A node built here registered its configuration first; in a host it is made from the bound options on first use.
        services.TryAddSingleton(ConfigurationFromServices);
        services.AddLedgerSyncDiagnostics();
        services.AddLedgerSyncLedger();
        services.AddLedgerSyncProtocol();
        services.AddLedgerSyncScheduling();
        services.AddLedgerSyncRecovery();
        services.AddLedgerSyncFlows();
        return new LedgerSyncBuilder(services);
    }

    /// <summary>
    /// A host's configuration: a builder given the options as the container binds them (every configure and
    /// post-configure step, not the validators, which <see cref="BuildConfiguration"/> runs itself) and the container's
    /// clock, logging and metrics. A snapshot: a later reload of the options reaches the components through
    /// <c>IOptionsMonitor</c>, not this object.
    /// </summary>
    internal static LedgerSyncNodeConfiguration ConfigurationFromServices(IServiceProvider services)
    {
        // The framework's factory runs the configure and post-configure steps in the container's order; it is given no
        // validators, because BuildConfiguration reports every failure itself, as a LedgerSyncConfigurationException.
        var factory = new OptionsFactory<LedgerSyncOptions>(
            services.GetServices<IConfigureOptions<LedgerSyncOptions>>(),
            services.GetServices<IPostConfigureOptions<LedgerSyncOptions>>());
        var builder = new LedgerSyncNodeBuilder { Options = factory.Create(Microsoft.Extensions.Options.Options.DefaultName) }
            .UseTimeProvider(services.GetRequiredService<TimeProvider>())
            .UseLoggerFactory(services.GetService<ILoggerFactory>())
            .UseMeterFactory(services.GetService<IMeterFactory>());
        return builder.BuildConfiguration();
    }

    // Every validator message starts with the key it is about ("maxMessageSize = 1 is out of range; ...").
    private static string? KeyNamedAtStart(string failure) =>
        LedgerSyncOptionKeys.All.FirstOrDefault(k => failure.StartsWith(k.Name + " ", StringComparison.Ordinal))?.Name;
}
