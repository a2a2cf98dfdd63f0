// qop on Azure: everything one council needs, in one resource group.
//
//   az deployment group create -g <resource group> -f deploy/azure/main.bicep \
//     -p @deploy/azure/main.parameters.json
//
// Every parameter and output is documented in deploy/azure/README.md; the first install,
// upgrades and recovery are in docs/operations.md.

targetScope = 'resourceGroup'

@description('Azure region of everything except the bot (which is global). UK South keeps data in the UK.')
param location string = 'uksouth'

@minLength(3)
@maxLength(12)
@description('Short lower-case prefix of every resource name, e.g. qop-rvs.')
param namePrefix string

@description('Container image of qop, e.g. myregistry.azurecr.io/qop:1.4.0 (built from deploy/container/Dockerfile).')
param containerImage string

@description('Registry login server the image is pulled from with the app identity (needs AcrPull); empty for a public registry.')
param containerRegistryServer string = ''

@minValue(2)
@maxValue(10)
@description('Replicas always running (at least two: one can die or be replaced while the other serves).')
param minReplicas int = 2

@minValue(2)
@maxValue(10)
@description('Most replicas the app may scale out to.')
param maxReplicas int = 4

@description('A custom domain already bound to the container app; empty = the app\'s default *.azurecontainerapps.io host.')
param customHostName string = ''

@description('Azure Bot resource name (globally unique).')
param botName string = '${namePrefix}-bot'

@description('Bot display name in the Azure portal.')
param botDisplayName string = 'Quality of Practice'

@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Shown as the developer in the Teams app entry: the council\'s name (at most 32 characters).')
@maxLength(32)
param teamsDeveloperName string

@description('Key Vault name (globally unique, 3-24 characters).')
@minLength(3)
@maxLength(24)
param keyVaultName string = '${namePrefix}-kv-${take(uniqueString(resourceGroup().id), 6)}'

@description('Object id of the person or group who manages qop\'s secrets (Key Vault Secrets Officer); empty = none.')
param secretsOfficerObjectId string = ''

@secure()
@minLength(32)
@description('FEEDBACK_SECRET: signs feedback links and anonymous answer marks. Long, random, and the same on every deployment.')
param feedbackSecret string

@secure()
@minLength(32)
@description('REPORT_SECRET: signs QIM report links. Long, random, and the same on every deployment.')
param reportSecret string

@description('PostgreSQL administrator login (qop connects as this login).')
param postgresAdministratorLogin string = 'qopadmin'

@secure()
@minLength(16)
@description('PostgreSQL administrator password.')
param postgresAdministratorPassword string

param postgresSkuName string = 'Standard_B2s'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

param postgresStorageSizeGB int = 32

@minValue(7)
@maxValue(35)
param postgresBackupRetentionDays int = 35

@allowed([
  'Disabled'
  'Enabled'
])
param postgresGeoRedundantBackup string = 'Disabled'

@allowed([
  'Disabled'
  'ZoneRedundant'
  'SameZone'
])
param postgresHighAvailability string = 'Disabled'

param databaseName string = 'qop'

@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('IANA time zone for schedules and dates (TIMEZONE).')
param timezone string = 'Europe/London'

@allowed([
  'DEBUG'
  'INFO'
  'WARNING'
  'ERROR'
])
param logLevel string = 'INFO'

param tags object = {
  application: 'qop'
}

// The identity the app runs as, and the bot's identity: Bot Framework tokens for qop's
// replies are issued to it through the Container Apps managed identity endpoint.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    logRetentionDays: logRetentionDays
    tags: tags
  }
}

module database 'modules/database.bicep' = {
  name: 'database'
  params: {
    location: location
    namePrefix: namePrefix
    administratorLogin: postgresAdministratorLogin
    administratorPassword: postgresAdministratorPassword
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    backupRetentionDays: postgresBackupRetentionDays
    geoRedundantBackup: postgresGeoRedundantBackup
    highAvailability: postgresHighAvailability
    databaseName: databaseName
    tags: tags
  }
}

module secrets 'modules/secrets.bicep' = {
  name: 'secrets'
  params: {
    location: location
    keyVaultName: keyVaultName
    appPrincipalId: identity.properties.principalId
    secretsOfficerObjectId: secretsOfficerObjectId
    feedbackSecret: feedbackSecret
    reportSecret: reportSecret
    databaseUrl: 'postgresql+psycopg://${uriComponent(postgresAdministratorLogin)}:${uriComponent(postgresAdministratorPassword)}@${database.outputs.host}:5432/${database.outputs.databaseName}?sslmode=require'
    tags: tags
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    location: location
    namePrefix: namePrefix
    containerImage: containerImage
    containerRegistryServer: containerRegistryServer
    identityId: identity.id
    identityClientId: identity.properties.clientId
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    customHostName: customHostName
    feedbackSecretUri: secrets.outputs.feedbackSecretUri
    reportSecretUri: secrets.outputs.reportSecretUri
    databaseUrlSecretUri: secrets.outputs.databaseUrlSecretUri
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
    teamsDeveloperName: teamsDeveloperName
    timezone: timezone
    logLevel: logLevel
    tags: tags
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    botName: botName
    displayName: botDisplayName
    identityId: identity.id
    identityClientId: identity.properties.clientId
    publicHost: app.outputs.publicHost
    sku: botSku
    tags: tags
  }
}

@description('MICROSOFT_APP_ID for `python -m qop teams package`: the manifest\'s bot id (and app id).')
output botAppId string = identity.properties.clientId

@description('The tenant the bot is registered in (MICROSOFT_APP_TENANT_ID).')
output tenantId string = tenant().tenantId

@description('The host for the Teams manifest\'s validDomains (qop teams package derives it from PUBLIC_BASE_URL).')
output teamsValidDomain string = app.outputs.publicHost

@description('PUBLIC_BASE_URL for `python -m qop teams package` and for the app.')
output publicBaseUrl string = 'https://${app.outputs.publicHost}'

@description('Where Teams sends activities.')
output messagingEndpoint string = bot.outputs.messagingEndpoint

@description('The app\'s default host, for DNS (CNAME) when a custom domain is added.')
output defaultHost string = app.outputs.defaultHost

output containerAppName string = app.outputs.appName

@description('Start it before rolling out a new image: az containerapp job start -g <rg> -n <this>.')
output migrationJobName string = app.outputs.migrationJobName

output keyVaultName string = secrets.outputs.name
output postgresServerName string = database.outputs.serverName
output postgresHost string = database.outputs.host
output logAnalyticsWorkspaceName string = monitoring.outputs.workspaceName
output applicationInsightsName string = monitoring.outputs.applicationInsightsName
