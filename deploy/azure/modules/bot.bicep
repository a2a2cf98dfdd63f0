// The Azure Bot: single-tenant, its identity the app's user-assigned managed identity (no
// client secret exists anywhere), Teams channel on, messages to https://<host>/api/messages.

@description('Bot resource name (globally unique).')
param botName string

@description('Display name shown in the Azure portal.')
param displayName string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of that identity: the bot\'s app id.')
param identityClientId string

@description('Host name Teams sends activities to.')
param publicHost string

@allowed([
  'F0'
  'S1'
])
@description('F0 is free for the Teams channel (Teams is a standard channel).')
param sku string

param tags object

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: 'https://${publicHost}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityId
    msaAppTenantId: tenant().tenantId
    publicNetworkAccess: 'Enabled'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output name string = bot.name
output messagingEndpoint string = bot.properties.endpoint
