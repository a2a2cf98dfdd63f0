// Key Vault holding qop's secrets; the app's user-assigned identity may read them (and only that).

@description('Azure region.')
param location string

@description('Key Vault name (globally unique, 3-24 characters).')
param keyVaultName string

@description('Principal id of the identity the app runs as (gets Key Vault Secrets User).')
param appPrincipalId string

@description('Object id of a person or group who may manage the secrets (Key Vault Secrets Officer); empty = nobody.')
param secretsOfficerObjectId string

@secure()
param feedbackSecret string

@secure()
param reportSecret string

@secure()
param databaseUrl string

param tags object

// Built-in role definition ids (the same in every Azure tenant).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource feedback 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'feedback-secret'
  properties: {
    value: feedbackSecret
    contentType: 'FEEDBACK_SECRET: signs feedback links and anonymous answer marks'
  }
}

resource report 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'report-secret'
  properties: {
    value: reportSecret
    contentType: 'REPORT_SECRET: signs QIM report links'
  }
}

resource database 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: databaseUrl
    contentType: 'DATABASE_URL: SQLAlchemy URL of the PostgreSQL database'
  }
}

resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource officerManagesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerObjectId)) {
  scope: vault
  name: guid(vault.id, secretsOfficerObjectId, keyVaultSecretsOfficer)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
    principalId: secretsOfficerObjectId
  }
}

output name string = vault.name
// Version-less secret URLs: Container Apps pick up a rotated value (see docs/operations.md).
output feedbackSecretUri string = '${vault.properties.vaultUri}secrets/${feedback.name}'
output reportSecretUri string = '${vault.properties.vaultUri}secrets/${report.name}'
output databaseUrlSecretUri string = '${vault.properties.vaultUri}secrets/${database.name}'
