Subject: Vinculada: {{ticket.token}} {{ticket.subject}}

Ha llegado un mensaje que pertenece tanto a esta incidencia como a la
incidencia n.º {{linked.id}}: responde a correos de ambas. Las incidencias
se han vinculado, pero no se han fusionado automáticamente, porque una de
ellas ya se ha gestionado o el remitente no participa en ambas.

Incidencia n.º {{ticket.id}}: {{ticket.subject}}
Incidencia n.º {{linked.id}}: {{linked.subject}}

El mensaje que las relaciona:
De: {{bridge.from}}
Asunto: {{bridge.subject}}
Message-ID: {{bridge.message_id}}

Si se trata del mismo asunto, puede fusionarlas con:
    {{merge.command}}
{{#if recipient.agent}}

Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}, responsable {{ticket.owner}}
Solicitante {{ticket.requester}}
{{/if}}

-- 
{{#if recipient.agent}}
Responda a este mensaje para contestar al solicitante de la incidencia n.º {{ticket.id}};
escriba a {{comment.address}} para añadir una nota interna.
{{/if}}
{{#unless recipient.agent}}
Responda a este mensaje para añadir información a la incidencia n.º {{ticket.id}}.
{{/unless}}
