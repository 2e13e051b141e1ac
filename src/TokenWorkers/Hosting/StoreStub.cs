namespace TokenWorkers.Hosting;

internal static class StoreStub
{
    public static IServiceCollection AddConnectionStore(this IServiceCollection services, IConfiguration configuration) => services;
}
