using CoralNet.Deploy.Context;

return DeployHost.Create().Run(args);
