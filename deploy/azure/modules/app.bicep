// The Container Apps environment, qop itself (at least two replicas behind the environment's
// HTTPS ingress), and the one-off migration job. tests/deploy/test_azure_template.py checks the
// container's settings, probes and port against the app.

@description('Azure region.')
param location string

@description('Prefix of every resource name.')
param namePrefix string

@description('Container image, e.g. myregistry.azurecr.io/qop:1.4.0.')
param containerImage string

@description('Registry login server (e.g. myregistry.azurecr.io); empty for a public image.')
param containerRegistryServer string

@description('Resource id of the user-assigned identity the app runs as (also the bot identity).')
param identityId string

@description('Client id of that identity: the bot app id, MICROSOFT_APP_ID.')
param identityClientId string

@minValue(2)
param minReplicas int

param maxReplicas int

@description('A custom domain already bound to the app (e.g. qop.council.gov.uk); empty = the app\'s default host name.')
param customHostName string

@description('Key Vault secret URLs (version-less).')
param feedbackSecretUri string
param reportSecretUri string
param databaseUrlSecretUri string

param applicationInsightsConnectionString string

@description('Log Analytics workspace the environment sends container logs to.')
param logAnalyticsWorkspaceName string

@description('Shown in the Teams store entry (TEAMS_DEVELOPER_NAME).')
param teamsDeveloperName string

param timezone string

param logLevel string

param tags object

// qop's default PORT (qop/settings.py); the probes, ingress and PORT all use it.
var appPort = 3978

var appName = '${namePrefix}-app'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource managedEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

// The app's default host name is known before the app exists: <app name>.<environment domain>.
var publicHost = empty(customHostName) ? '${appName}.${managedEnvironment.properties.defaultDomain}' : customHostName

// Secrets are references into Key Vault, read with the app's own identity.
var secrets = [
  {
    name: 'feedback-secret'
    keyVaultUrl: feedbackSecretUri
    identity: identityId
  }
  {
    name: 'report-secret'
    keyVaultUrl: reportSecretUri
    identity: identityId
  }
  {
    name: 'database-url'
    keyVaultUrl: databaseUrlSecretUri
    identity: identityId
  }
]

var registries = empty(containerRegistryServer) ? [] : [
  {
    server: containerRegistryServer
    identity: identityId
  }
]

// Everything qop reads from its environment in production (qop/settings.py). QOP_EXECUTOR_ID
// is set per replica by the container command below, not here.
var environmentVariables = [
  {
    name: 'MICROSOFT_APP_ID'
    value: identityClientId
  }
  {
    name: 'MICROSOFT_APP_TENANT_ID'
    value: tenant().tenantId
  }
  {
    name: 'DATABASE_URL'
    secretRef: 'database-url'
  }
  {
    name: 'FEEDBACK_SECRET'
    secretRef: 'feedback-secret'
  }
  {
    name: 'REPORT_SECRET'
    secretRef: 'report-secret'
  }
  {
    name: 'PUBLIC_BASE_URL'
    value: 'https://${publicHost}'
  }
  {
    name: 'HOST'
    value: '0.0.0.0'
  }
  {
    name: 'PORT'
    value: string(appPort)
  }
  {
    name: 'TRUST_FORWARDED_FOR'
    value: 'true'
  }
  {
    name: 'TEAMS_DEVELOPER_NAME'
    value: teamsDeveloperName
  }
  {
    name: 'TIMEZONE'
    value: timezone
  }
  {
    name: 'LOG_LEVEL'
    value: logLevel
  }
  {
    // One JSON object a line in ContainerAppConsoleLogs_CL (trace ids included).
    name: 'LOG_FORMAT'
    value: 'json'
  }
  {
    // Set: qop exports its traces, metrics and logs to Application Insights (docs/operations.md).
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsightsConnectionString
  }
]

// DBOS recovers an instance's unfinished sends when an instance with the same executor id
// starts again, so the id must be stable for as long as the instance lives and distinct
// between instances. Container Apps names each replica (CONTAINER_APP_REPLICA_NAME, also its
// HOSTNAME); a container restarted inside its replica keeps that name and recovers its own
// work. A replica that is replaced (new revision, scale-in, host move) gets a new name: its
// leftovers are handed over with `python -m qop delivery recover` (docs/operations.md).
var serveCommand = 'export QOP_EXECUTOR_ID="\${CONTAINER_APP_REPLICA_NAME:-$HOSTNAME}"; exec python -m qop serve'

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: managedEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: appPort
        transport: 'http'
        allowInsecure: false
      }
      secrets: secrets
      registries: registries
    }
    template: {
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'qop'
          image: containerImage
          command: [
            '/bin/sh'
            '-c'
          ]
          args: [
            serveCommand
          ]
          env: environmentVariables
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: appPort
              }
              periodSeconds: 5
              failureThreshold: 24
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: appPort
              }
              periodSeconds: 15
              failureThreshold: 4
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: appPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

// Database migrations: started by hand (az containerapp job start) before a new image is
// rolled out; the same image and secrets, `python -m qop db upgrade`.
resource migrate 'Microsoft.App/jobs@2024-03-01' = {
  name: '${namePrefix}-migrate'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: managedEnvironment.id
    configuration: {
      triggerType: 'Manual'
      replicaTimeout: 1800
      replicaRetryLimit: 0
      manualTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
      }
      secrets: secrets
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'qop-migrate'
          image: containerImage
          args: [
            'db'
            'upgrade'
          ]
          env: environmentVariables
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
        }
      ]
    }
  }
}

output appName string = app.name
output migrationJobName string = migrate.name
output defaultHost string = app.properties.configuration.ingress.fqdn
output publicHost string = publicHost
