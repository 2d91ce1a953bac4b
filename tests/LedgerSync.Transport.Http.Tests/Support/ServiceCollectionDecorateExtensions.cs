using Microsoft.Extensions.DependencyInjection;

namespace LedgerSync.Tests.Support;

internal static class ServiceCollectionDecorateExtensions
{
    public static void RemoveAll(this IServiceCollection services, Func<ServiceDescriptor, bool> match)
    {
        foreach (var descriptor in services.Where(match).ToList())
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>Replaces the registration of <typeparamref name="T"/> with <paramref name="decorate"/> over the original.</summary>
    public static void Decorate<T>(this IServiceCollection services, Func<T, T> decorate)
        where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(original);
        services.AddSingleton(sp =>
        {
            var inner = original.ImplementationInstance as T
                ?? (original.ImplementationFactory?.Invoke(sp) as T)
                ?? (T)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
            return decorate(inner);
        });
    }
}
