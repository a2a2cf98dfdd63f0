// Azure Database for PostgreSQL Flexible Server with qop's database. qop connects with a
// password login whose full connection URL lives in Key Vault (see secrets.bicep): qop's
// driver takes a fixed URL, so Entra token logins (hourly tokens) are not used by the app.

@description('Azure region.')
param location string

@description('Prefix of every resource name.')
param namePrefix string

@description('Administrator login name.')
param administratorLogin string

@secure()
@description('Administrator password.')
param administratorPassword string

@description('Compute size, e.g. Standard_B2s (Burstable) or Standard_D2ds_v5 (GeneralPurpose).')
param skuName string

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string

@description('Storage in GiB.')
param storageSizeGB int

@minValue(7)
@maxValue(35)
@description('Days of automatic backups (point-in-time restore window).')
param backupRetentionDays int

@allowed([
  'Disabled'
  'Enabled'
])
param geoRedundantBackup string

@allowed([
  'Disabled'
  'ZoneRedundant'
  'SameZone'
])
param highAvailability string

@description('The database qop uses.')
param databaseName string

param tags object

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2023-06-01' = {
  name: '${namePrefix}-pg'
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: geoRedundantBackup
    }
    highAvailability: {
      mode: highAvailability
    }
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Enabled'
      tenantId: tenant().tenantId
    }
  }
}

// Only Azure services (the Container Apps environment among them) may connect. A council that
// requires private networking adds VNet integration to the environment and the server.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2023-06-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2023-06-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

output serverName string = server.name
output host string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
