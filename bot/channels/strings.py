"""Patient-facing words of the chat page, per locale (English is the fallback).

A clinic adding a locale to ``crisis_resources`` in ``config/clinic.yml``
gets its resources in that language at once; the page chrome falls back to
English until a translation is added here.
"""

from __future__ import annotations

FALLBACK_LOCALE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "page_title": "Your reflection",
        "help_button": "Get help now",
        "help_heading": "Help right now",
        "help_intro": (
            "If you might hurt yourself or someone else, or you feel physically "
            "unwell, contact one of these now. You don't need to finish the "
            "reflection first."
        ),
        "emergency_heading": "Emergency",
        "lines_heading": "Crisis lines, any time",
        "peer_heading": "Peer support",
        "clinic_heading": "Your clinic",
        "close": "Close",
        "back_to_chat": "Back to the conversation",
        "notice_help_intro": (
            "If you might hurt yourself or someone else, or you feel physically "
            "unwell, contact one of these now."
        ),
        "progress_label": "Reflection progress",
        "progress_text": "Step {step} of {total}",
        "log_label": "Conversation",
        "you": "You",
        "bot": "Afterglow",
        "typing": "Afterglow is typing",
        "input_label": "Your message",
        "input_placeholder": "Type your answer",
        "send": "Send",
        "replies_label": "Suggested answers",
        "empty_hint": "Say hello to begin your reflection.",
        "loading": "Loading your conversation",
        "chars_left": "{count} characters left",
        "sign_out": "Sign out of this device",
        "sign_out_confirm": (
            "Sign out on this device? To come back you will need a link from "
            "your clinic."
        ),
        "error_empty": "Please type a message first.",
        "error_too_long": (
            "That message is longer than 4,000 characters. Please send it in "
            "shorter parts."
        ),
        "error_invalid_payload": (
            "That button no longer works. Please type your answer."
        ),
        "error_busy": "Still answering your last message. One moment, please.",
        "error_session": (
            "This device is signed out. Open the link from your clinic to continue."
        ),
        "error_network": (
            "Could not send. Check your connection; your message is still in the box."
        ),
        "error_server": (
            "Something went wrong on our side. Your message is still in the box; "
            "please try again."
        ),
        "error_not_ready": (
            "Afterglow is not available right now. Your message is still in the "
            "box; please try again later. If you need help now, tap Get help now."
        ),
        "invalid_title": "This link has expired or is not valid",
        "invalid_body": (
            "Please ask your clinic for a new link. What you wrote before is safe."
        ),
        "signed_out_title": "You are signed out on this device",
        "signed_out_body": "To come back, open the link from your clinic.",
        "still_help": "Help is available now",
        "joined_title": "You are signed in",
        "continue": "Continue to your reflection",
    },
    "es": {
        "page_title": "Tu reflexión",
        "help_button": "Pedir ayuda ahora",
        "help_heading": "Ayuda ahora mismo",
        "help_intro": (
            "Si podrías hacerte daño o hacer daño a alguien, o te sientes mal "
            "físicamente, contacta ahora con uno de estos. No hace falta terminar "
            "la reflexión antes."
        ),
        "emergency_heading": "Emergencias",
        "lines_heading": "Líneas de crisis, a cualquier hora",
        "peer_heading": "Apoyo entre pares",
        "clinic_heading": "Tu clínica",
        "close": "Cerrar",
        "back_to_chat": "Volver a la conversación",
        "notice_help_intro": (
            "Si podrías hacerte daño o hacer daño a alguien, o te sientes mal "
            "físicamente, contacta ahora con uno de estos."
        ),
        "progress_label": "Progreso de la reflexión",
        "progress_text": "Paso {step} de {total}",
        "log_label": "Conversación",
        "you": "Tú",
        "bot": "Afterglow",
        "typing": "Afterglow está escribiendo",
        "input_label": "Tu mensaje",
        "input_placeholder": "Escribe tu respuesta",
        "send": "Enviar",
        "replies_label": "Respuestas sugeridas",
        "empty_hint": "Saluda para empezar tu reflexión.",
        "loading": "Cargando tu conversación",
        "chars_left": "Quedan {count} caracteres",
        "sign_out": "Cerrar sesión en este dispositivo",
        "sign_out_confirm": (
            "¿Cerrar sesión en este dispositivo? Para volver necesitarás un enlace "
            "de tu clínica."
        ),
        "error_empty": "Escribe un mensaje primero.",
        "error_too_long": (
            "Ese mensaje tiene más de 4.000 caracteres. Envíalo en partes más cortas."
        ),
        "error_invalid_payload": "Ese botón ya no funciona. Escribe tu respuesta.",
        "error_busy": "Todavía estoy respondiendo a tu último mensaje. Un momento.",
        "error_session": (
            "Este dispositivo cerró sesión. Abre el enlace de tu clínica para seguir."
        ),
        "error_network": (
            "No se pudo enviar. Revisa tu conexión; tu mensaje sigue en el cuadro."
        ),
        "error_server": (
            "Algo falló de nuestro lado. Tu mensaje sigue en el cuadro; inténtalo "
            "de nuevo."
        ),
        "error_not_ready": (
            "Afterglow no está disponible ahora. Tu mensaje sigue en el cuadro; "
            "inténtalo más tarde. Si necesitas ayuda ahora, toca Pedir ayuda ahora."
        ),
        "invalid_title": "Este enlace caducó o no es válido",
        "invalid_body": (
            "Pide a tu clínica un enlace nuevo. Lo que escribiste antes está a salvo."
        ),
        "signed_out_title": "Cerraste sesión en este dispositivo",
        "signed_out_body": "Para volver, abre el enlace de tu clínica.",
        "still_help": "Hay ayuda disponible ahora",
        "joined_title": "Has iniciado sesión",
        "continue": "Continuar a tu reflexión",
    },
}


def strings_for(locale: str) -> dict[str, str]:
    """The page strings for ``locale``, English for anything not translated."""
    language = (locale or FALLBACK_LOCALE).split("-")[0].lower()
    return {**STRINGS[FALLBACK_LOCALE], **STRINGS.get(language, {})}
