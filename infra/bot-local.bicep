// The Azure Bot for local development in real Teams: the bot runs on the developer's machine
// behind a dev tunnel, authenticated with a single-tenant app registration and its secret.
// Used by m365agents.local.yml; production uses main.bicep.
targetScope = 'resourceGroup'

@description('Name of the Azure Bot resource (2–64 characters).')
param botName string

@description('Client id of the single-tenant Entra app registration the local bot signs in with.')
param botAppId string

@description('Tenant of that app registration.')
param botTenantId string = tenant().tenantId

@description('Public HTTPS address of the dev tunnel, without a trailing slash; /api/messages is appended.')
param botEndpoint string

@description('Name shown for the bot in the Azure portal.')
param botDisplayName string = botName

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${botEndpoint}/api/messages'
    msaAppId: botAppId
    msaAppTenantId: botTenantId
    msaAppType: 'SingleTenant'
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

output botName string = bot.name
