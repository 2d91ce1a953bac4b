using LedgerSync.Transport;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the HTTPS transport for LedgerSync.</summary>
public static class HttpTransportLedgerSyncBuilderExtensions
{
    /// <summary>
    /// Uses HTTPS (HTTP/2, mutual TLS) to reach peers, and registers the session endpoint (map it with
    /// <c>MapLedgerSync()</c>) and the self-hosted listener (started when <see cref="LedgerSyncHttpOptions.ListenUrls"/>
    /// is not empty). Options bind from the <c>LedgerSync:Http</c> configuration section, then <paramref name="configure"/>
    /// runs; they are validated when the host starts. Calling it more than once is harmless.
    /// </summary>
    /// <param name="builder">The LedgerSync builder.</param>
    /// <param name="configure">Sets the transport options in code.</param>
    /// <returns>The builder.</returns>
    public static ILedgerSyncBuilder UseHttpTransport(this ILedgerSyncBuilder builder, Action<LedgerSyncHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<LedgerSyncHttpOptions>, BindHttpOptionsFromConfiguration>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddOptions<LedgerSyncHttpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerSyncHttpOptions>, LedgerSyncHttpOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerSyncHttpOptions>, LedgerSyncHttpOptionsSetupValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HttpTransportSecurity>();
        services.TryAddSingleton<HttpPeerTransport>();
        services.TryAddSingleton<LedgerSyncSessionEndpoint>();
        services.TryAddSingleton(sp => new LedgerSyncHttpListener(
            sp.GetRequiredService<IOptions<LedgerSyncHttpOptions>>(),
            sp.GetRequiredService<LedgerSyncSessionEndpoint>(),
            sp.GetRequiredService<HttpTransportSecurity>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LedgerSyncHttpListenerService>());

        // The transport is an explicit choice: it replaces the in-memory default.
        services.RemoveAll<IPeerTransport>();
        services.AddSingleton<IPeerTransport>(sp => sp.GetRequiredService<HttpPeerTransport>());
        return builder;
    }

    /// <summary>Binds <c>LedgerSync:Http</c> when the container has a configuration.</summary>
    private sealed class BindHttpOptionsFromConfiguration(IServiceProvider services) : IConfigureOptions<LedgerSyncHttpOptions>
    {
        public void Configure(LedgerSyncHttpOptions options)
        {
            if (services.GetService<IConfiguration>() is { } configuration)
            {
                configuration.GetSection(LedgerSyncHttpOptions.SectionName).Bind(options);
            }
        }
    }

    /// <summary>Runs the listener with the host (a separate registration so the listener stays resolvable by its type).</summary>
    private sealed class LedgerSyncHttpListenerService(LedgerSyncHttpListener listener) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => listener.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => listener.StopAsync(cancellationToken);
    }
}
