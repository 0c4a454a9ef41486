// Rådsassistenten (council-assistant) for one tenant: the Teams bot on App Service for Linux,
// PostgreSQL flexible server, Key Vault for every secret, the Azure Bot with its Teams channel,
// and Log Analytics with workspace-based Application Insights.
//
//   az bicep build --file infra/main.bicep
//   az deployment group what-if --resource-group <rg> --template-file infra/main.bicep --parameters @infra/main.parameters.json
//
// See infra/README.md for the parameters, the app deployment and the grants the tenant admin gives.

targetScope = 'resourceGroup'

metadata description = 'Rådsassistenten: Teams bot for the standing councils of a Swedish region, for one tenant.'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Azure region for every resource except the Azure Bot, which is global. Defaults to the resource group\'s region.')
param location string = resourceGroup().location

@description('Short prefix for resource names: lowercase letters and digits, starting with a letter. A hash of the resource group id is appended, so names stay globally unique.')
@minLength(3)
@maxLength(12)
param baseName string = 'council'

@description('Tags put on every resource that takes them.')
param tags object = {
  application: 'council-assistant'
}

@description('How the bot authenticates to the Bot Framework. UserAssignedMSI: the user-assigned managed identity this template creates, no secret. SingleTenant: an existing app registration (botAppId) with a client secret (botAppPassword).')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botAuth string = 'UserAssignedMSI'

@description('SingleTenant only: the application (client) id of the bot\'s app registration. Ignored with UserAssignedMSI.')
param botAppId string = ''

@description('SingleTenant only: a client secret of that app registration, stored in Key Vault as BOT-PASSWORD. Leave empty to put the secret into the vault yourself before the first start.')
@secure()
param botAppPassword string = ''

@description('SingleTenant only: the Microsoft Entra tenant of the app registration. With UserAssignedMSI the identity\'s own tenant is used.')
param botAppTenantId string = subscription().tenantId

@description('The bot\'s name as shown in the Azure portal and the Bot Framework.')
param botDisplayName string = 'Rådsassistenten'

@description('Azure Bot pricing tier. Microsoft Teams is a standard channel, whose messages are free on F0.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Comma-separated Microsoft Entra tenant ids whose Teams activities the bot accepts; others get 403. Empty accepts every tenant, which a single-tenant deployment should not do.')
param allowedTenants string = subscription().tenantId

@description('App Service plan SKU (Linux). It must allow at least two instances and Always On: Basic allows up to 3 instances, Standard 10, Premium v3 30. P0v3 is the smallest Premium v3 size: 1 vCPU, 4 GB, zone redundancy and deployment slots available.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
  'P1mv3'
  'P2mv3'
])
param appServiceSku string = 'P0v3'

@description('Number of App Service instances. Two or more, so that health check can take an unhealthy instance out of rotation and a restart never takes the bot down.')
@minValue(2)
@maxValue(30)
param capacity int = 2

@description('Proactive sends per second per tenant across all instances together. Teams allows about 50 per app and tenant; each instance gets this divided by capacity (TEAMS_TENANT_RATE).')
@minValue(1)
@maxValue(50)
param teamsTenantRateTotal int = 40

@description('PostgreSQL major version.')
@allowed([
  '14'
  '15'
  '16'
])
param postgresVersion string = '16'

@description('PostgreSQL compute size, e.g. Standard_B1ms (Burstable), Standard_D2ds_v5 (GeneralPurpose).')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL compute tier; it must match postgresSkuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL storage in GB.')
@minValue(32)
param postgresStorageSizeGB int = 32

@description('Days of point-in-time restore for PostgreSQL (7 to 35).')
@minValue(7)
@maxValue(35)
param postgresBackupRetentionDays int = 7

@description('PostgreSQL administrator login; the bot connects with it. Not admin, administrator, root, azure_superuser, azure_pg_admin, guest or public, and not starting with pg_.')
param postgresAdminLogin string = 'councilbot'

@description('PostgreSQL administrator password (8 to 128 characters from three of: upper case, lower case, digits, symbols). It only reaches Key Vault, inside DATABASE_URL.')
@secure()
@minLength(8)
@maxLength(128)
param postgresAdminPassword string

@description('Secret for the keyed hash of anonymous ballots (ANONYMOUS_VOTE_KEY), at least 32 characters, e.g. `openssl rand -base64 48`. Never change it while polls are open: votes already cast would no longer be recognised.')
@secure()
@minLength(32)
param anonymousVoteKey string

@description('Microsoft Graph: the application (client) id of the app registration that reads and writes the council calendars and minutes libraries. Empty: no Graph settings, meetings live only in the bot.')
param graphClientId string = ''

@description('Microsoft Graph: the tenant of that app registration. Defaults to the subscription\'s tenant.')
param graphTenantId string = subscription().tenantId

@description('Microsoft Graph: a client secret of that app registration, stored in Key Vault as GRAPH-CLIENT-SECRET. Leave empty to put the secret into the vault yourself.')
@secure()
param graphClientSecret string = ''

@description('Days Log Analytics keeps logs and Application Insights telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Also attach the Application Insights Node.js agent of App Service for Linux (ApplicationInsightsAgent_EXTENSION_VERSION=~3). Off by default: the bot exports its own OpenTelemetry traces and metrics, and the agent would count every turn a second time.')
param appInsightsAgent bool = false

@description('Refuse FTP and SCM (Kudu) basic-auth publishing credentials, so deployments need a Microsoft Entra sign-in (az webapp deploy does that).')
param disableBasicPublishingCredentials bool = true

// ---------------------------------------------------------------------------------------------
// Names and derived values
// ---------------------------------------------------------------------------------------------

var base = toLower(baseName)
var suffix = uniqueString(resourceGroup().id)

var identityName = 'id-${base}-${suffix}'
var planName = 'asp-${base}-${suffix}'
var webAppName = 'app-${base}-${suffix}'
var botName = 'bot-${base}-${suffix}'
var postgresName = 'psql-${base}-${suffix}'
// Key Vault names are capped at 24 characters.
var keyVaultName = 'kv-${take(base, 8)}-${take(suffix, 11)}'
var logAnalyticsName = 'log-${base}-${suffix}'
var appInsightsName = 'appi-${base}-${suffix}'

var databaseName = 'council_assistant'

var isMsi = botAuth == 'UserAssignedMSI'
var botId = isMsi ? userIdentity.properties.clientId : botAppId
var botTenantId = isMsi ? userIdentity.properties.tenantId : botAppTenantId

var graphEnabled = !empty(graphClientId)

// Each instance paces its own outbox; together they must stay under the per-tenant limit Teams enforces.
var teamsTenantRatePerInstance = max(1, teamsTenantRateTotal / capacity)

// Built-in role "Key Vault Secrets User": read secret values, nothing else.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

// Secret names: Key Vault allows only letters, digits and hyphens.
var secretNames = {
  databaseUrl: 'DATABASE-URL'
  anonymousVoteKey: 'ANONYMOUS-VOTE-KEY'
  botPassword: 'BOT-PASSWORD'
  graphClientSecret: 'GRAPH-CLIENT-SECRET'
}

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

// One identity for the bot's Bot Framework credentials and for Key Vault references, so nothing
// depends on the web app existing first and no secret is needed for the bot itself.
resource userIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------
// Monitoring
// ---------------------------------------------------------------------------------------------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: postgresName
  location: location
  tags: tags
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: postgresVersion
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: postgresStorageSizeGB
    }
    backup: {
      backupRetentionDays: postgresBackupRetentionDays
      geoRedundantBackup: 'Disabled'
    }
    // Burstable cannot run a standby; move to GeneralPurpose with ZoneRedundant for HA.
    highAvailability: {
      mode: 'Disabled'
    }
    // Public access, limited by the firewall rule below. For private networking either create the
    // server with network.delegatedSubnetResourceId and privateDnsZoneArmResourceId (VNet
    // injection is chosen at creation and cannot be added later) or add a private endpoint; in
    // both cases give the web app VNet integration and remove the firewall rule.
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0–0.0.0.0 is the service's convention for "any Azure service", which includes other
// customers' Azure resources: the password and TLS are then the only barrier. Tighten it by
// replacing this rule with the web app's outbound addresses
// (az webapp show --query possibleOutboundIpAddresses) or, better, with VNet integration and
// private access as described on the server above.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  // The server accepts one child operation at a time.
  dependsOn: [
    database
  ]
}

// ---------------------------------------------------------------------------------------------
// Key Vault
// ---------------------------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Irreversible: a deleted vault (and its secrets) stays recoverable for 90 days and its name
    // stays taken; redeploying into the same resource group then needs `az keyvault recover`.
    enablePurgeProtection: true
    // App Service resolves Key Vault references over the public endpoint unless the app has VNet
    // integration; with it, set defaultAction to Deny and add the subnet or a private endpoint.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// pg treats sslmode=require as verify-full today; Azure's server certificate chains to a public
// root in Node's CA store, so verification succeeds without a CA file.
resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: secretNames.databaseUrl
  properties: {
    value: 'postgresql://${uriComponent(postgresAdminLogin)}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
    contentType: 'text/plain'
  }
}

resource anonymousVoteKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: keyVault
  name: secretNames.anonymousVoteKey
  properties: {
    value: anonymousVoteKey
    contentType: 'text/plain'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!isMsi && !empty(botAppPassword)) {
  parent: keyVault
  name: secretNames.botPassword
  properties: {
    value: botAppPassword
    contentType: 'text/plain'
  }
}

resource graphClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (graphEnabled && !empty(graphClientSecret)) {
  parent: keyVault
  name: secretNames.graphClientSecret
  properties: {
    value: graphClientSecret
    contentType: 'text/plain'
  }
}

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, userIdentity.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: userIdentity.properties.principalId
    // Skips the directory lookup that fails while a new identity is still replicating.
    principalType: 'ServicePrincipal'
  }
}

// Versionless references follow rotations: App Service re-reads them within 24 hours, or at once
// on any configuration change or restart.
var keyVaultSecretsUri = '${keyVault.properties.vaultUri}secrets/'

// ---------------------------------------------------------------------------------------------
// App Service
// ---------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: capacity
  }
  properties: {
    reserved: true
  }
}

var baseAppSettings = [
  {
    name: 'NODE_ENV'
    value: 'production'
  }
  {
    name: 'BOT_ID'
    value: botId
  }
  {
    name: 'BOT_TYPE'
    value: botAuth
  }
  {
    name: 'BOT_TENANT_ID'
    value: botTenantId
  }
  {
    name: 'ALLOWED_TENANTS'
    value: allowedTenants
  }
  {
    name: 'DATABASE_URL'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretsUri}${secretNames.databaseUrl})'
  }
  {
    name: 'ANONYMOUS_VOTE_KEY'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretsUri}${secretNames.anonymousVoteKey})'
  }
  {
    name: 'TEAMS_TENANT_RATE'
    value: string(teamsTenantRatePerInstance)
  }
  // The package is mounted read-only at /home/site/wwwroot; /home itself is persistent storage
  // shared by all instances, so minutes written without SharePoint survive and are seen by all.
  {
    name: 'DATA_DIR'
    value: '/home/data'
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  // The zip already holds the built app and its production node_modules; building on the server
  // would need devDependencies and compile better-sqlite3 on every deployment.
  {
    name: 'WEBSITE_RUN_FROM_PACKAGE'
    value: '1'
  }
  {
    name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
    value: 'false'
  }
]

var agentAppSettings = appInsightsAgent ? [
  {
    name: 'ApplicationInsightsAgent_EXTENSION_VERSION'
    value: '~3'
  }
] : []

// With MSI the bot has no password, and botbuilder refuses one if it is set.
var botPasswordAppSettings = isMsi ? [] : [
  {
    name: 'BOT_PASSWORD'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretsUri}${secretNames.botPassword})'
  }
]

// All or nothing: the bot refuses to start with only some of the Graph settings.
var graphAppSettings = graphEnabled ? [
  {
    name: 'GRAPH_TENANT_ID'
    value: graphTenantId
  }
  {
    name: 'GRAPH_CLIENT_ID'
    value: graphClientId
  }
  {
    name: 'GRAPH_CLIENT_SECRET'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretsUri}${secretNames.graphClientSecret})'
  }
] : []

resource webApp 'Microsoft.Web/sites@2024-11-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${userIdentity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Turn state lives in PostgreSQL, so any instance can take any request; affinity cookies
    // would only skew the load.
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: userIdentity.id
    siteConfig: {
      linuxFxVersion: 'NODE|24-lts'
      appCommandLine: 'node dist/src/main.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // /readyz answers 200 only when the database is reachable and migrated, the outbox loop is
      // alive and the instance is not draining; /healthz would keep a broken instance in rotation.
      healthCheckPath: '/readyz'
      appSettings: concat(baseAppSettings, agentAppSettings, botPasswordAppSettings, graphAppSettings)
    }
  }
  // The first start resolves the Key Vault references; the identity must already be allowed to
  // read them, and the secrets must exist.
  dependsOn: [
    keyVaultSecretsUser
    databaseUrlSecret
    anonymousVoteKeySecret
    botPasswordSecret
    graphClientSecretSecret
  ]
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = if (disableBasicPublishingCredentials) {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = if (disableBasicPublishingCredentials) {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// The bot logs JSON lines to stdout (pino); AppServiceConsoleLogs is where they become queryable.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Azure Bot
// ---------------------------------------------------------------------------------------------

var messagingEndpoint = 'https://${webApp.properties.defaultHostName}/api/messages'

// New multi-tenant registrations are no longer possible; the MSI variant also needs the
// identity's resource id so the Bot Service can validate it.
var msiBotProperties = isMsi ? {
  msaAppMSIResourceId: userIdentity.id
} : {}

var botProperties = union({
  displayName: botDisplayName
  endpoint: messagingEndpoint
  msaAppId: botId
  msaAppType: botAuth
  msaAppTenantId: botTenantId
}, msiBotProperties)

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: botProperties
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
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

// ---------------------------------------------------------------------------------------------
// Outputs (no secrets)
// ---------------------------------------------------------------------------------------------

@description('Name of the web app, for az webapp deploy.')
output webAppName string = webApp.name

@description('Default host name of the web app.')
output webAppHostName string = webApp.properties.defaultHostName

@description('The messaging endpoint registered on the Azure Bot.')
output botMessagingEndpoint string = messagingEndpoint

@description('Client id of the user-assigned identity; with botAuth UserAssignedMSI it is the bot id for the Teams manifest.')
output identityClientId string = userIdentity.properties.clientId

@description('The id to package the Teams app with (BOT_ID=<this> npm run package): the identity\'s client id, or botAppId with SingleTenant.')
output teamsBotId string = botId

@description('Name of the Key Vault holding DATABASE-URL, ANONYMOUS-VOTE-KEY and, when used, BOT-PASSWORD and GRAPH-CLIENT-SECRET.')
output keyVaultName string = keyVault.name

@description('Name of the PostgreSQL flexible server.')
output postgresServerName string = postgres.name

// The Microsoft 365 Agents Toolkit (m365agents.yml) writes outputs into env/.env.<name> under
// their own names; these are the ones its later steps read.
@description('For the Agents Toolkit: the bot id the app package is built with.')
output BOT_ID string = botId

@description('For the Agents Toolkit: the host that the privacy and terms links of the app package point to.')
output BOT_DOMAIN string = webApp.properties.defaultHostName

@description('For the Agents Toolkit: the web app that azureAppService/zipDeploy deploys to.')
output WEB_APP_RESOURCE_ID string = webApp.id
